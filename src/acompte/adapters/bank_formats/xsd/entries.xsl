<?xml version="1.0" encoding="UTF-8"?>
<!-- The booked entries of a camt.053 / camt.054 message, one per line, their fields separated by tabs and the
     repeated values of a field (one per transaction detail) by carriage returns: libxslt reads a 10 000-entry
     statement in a fraction of the time a field-by-field search from Python takes. Every value is
     whitespace-normalised, so no value holds a separator. camt.py puts the message's namespace in place of
     MESSAGE (camt.053.001.08 …) and reads the columns in this order. -->
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:c="urn:iso:std:iso:20022:tech:xsd:MESSAGE">
  <xsl:output method="text" encoding="UTF-8"/>
  <xsl:strip-space elements="*"/>
  <xsl:variable name="T" select="'&#9;'"/>
  <xsl:variable name="R" select="'&#13;'"/>

  <xsl:template match="/">
    <xsl:for-each select="/c:Document/*/c:Stmt/c:Ntry | /c:Document/*/c:Ntfctn/c:Ntry">
      <xsl:variable name="sts" select="c:Sts"/>
      <xsl:value-of select="normalize-space(concat($sts/c:Cd, $sts[not(*)]))"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space(c:Amt)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space(c:Amt/@Ccy)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space(c:CdtDbtInd)"/><xsl:value-of select="$T"/>
      <xsl:call-template name="day"><xsl:with-param name="of" select="c:BookgDt"/></xsl:call-template><xsl:value-of select="$T"/>
      <xsl:call-template name="day"><xsl:with-param name="of" select="c:ValDt"/></xsl:call-template><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space(c:AcctSvcrRef)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space(c:NtryRef)"/><xsl:value-of select="$T"/>
      <xsl:variable name="domain" select="c:BkTxCd/c:Domn"/>
      <xsl:value-of select="normalize-space($domain/c:Cd)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space($domain/c:Fmly/c:Cd)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space($domain/c:Fmly/c:SubFmlyCd)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space(c:BkTxCd/c:Prtry/c:Cd)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space(c:AddtlNtryInf)"/><xsl:value-of select="$T"/>
      <xsl:variable name="details" select="c:NtryDtls/c:TxDtls"/>
      <xsl:value-of select="count($details)"/><xsl:value-of select="$T"/>
      <xsl:value-of select="normalize-space($details[1]/c:AddtlTxInf)"/><xsl:value-of select="$T"/>
      <xsl:call-template name="list"><xsl:with-param name="items" select="$details/c:RmtInf/c:Ustrd"/></xsl:call-template><xsl:value-of select="$T"/>
      <xsl:call-template name="list"><xsl:with-param name="items" select="$details/c:RmtInf/c:Strd/c:CdtrRefInf/c:Ref"/></xsl:call-template><xsl:value-of select="$T"/>
      <xsl:call-template name="list"><xsl:with-param name="items" select="$details/c:RltdPties/c:Dbtr/c:Nm | $details/c:RltdPties/c:Dbtr/c:Pty/c:Nm"/></xsl:call-template><xsl:value-of select="$T"/>
      <xsl:call-template name="list"><xsl:with-param name="items" select="$details/c:RltdPties/c:Cdtr/c:Nm | $details/c:RltdPties/c:Cdtr/c:Pty/c:Nm"/></xsl:call-template><xsl:value-of select="$T"/>
      <xsl:call-template name="list"><xsl:with-param name="items" select="$details/c:RltdPties/c:DbtrAcct/c:Id/c:IBAN"/></xsl:call-template><xsl:value-of select="$T"/>
      <xsl:call-template name="list"><xsl:with-param name="items" select="$details/c:RltdPties/c:CdtrAcct/c:Id/c:IBAN"/></xsl:call-template>
      <xsl:text>&#10;</xsl:text>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="day">
    <xsl:param name="of"/>
    <xsl:choose>
      <xsl:when test="$of/c:Dt"><xsl:value-of select="normalize-space($of/c:Dt)"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="substring(normalize-space($of/c:DtTm), 1, 10)"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="list">
    <xsl:param name="items"/>
    <xsl:for-each select="$items">
      <xsl:if test="position() &gt; 1"><xsl:value-of select="$R"/></xsl:if>
      <xsl:value-of select="normalize-space(.)"/>
    </xsl:for-each>
  </xsl:template>
</xsl:stylesheet>
