"""The command line's language, and a help page written in it from end to end.

The language is chosen once per run: ACOMPTE_LANG (`fr` or `en`) when set, else the locale of the environment
(LC_ALL, then LC_MESSAGES, then LANG) when it is English, else French — the language of the people who keep
these books. The help words are msgids of the one catalogue (French source, English translation); French needs
no catalogue, so a French `--help` loads neither Babel nor the catalogue.

Typer's own help page mixes in its English frame (« Usage », « Show this message and exit. », `<bool>` /
`<str>` beside every option) and loads Rich, Markdown and Pygments to print it. `Group` and `Command` write
the page themselves with the plain formatter: every word in the chosen language, no value types (the help
sentence of an option says what it takes), and nothing heavy imported to show it.

This module stays light: the command modules import it to word their help, before any command runs.
"""

from __future__ import annotations

import os
import re
import sys
from enum import Enum
from pathlib import PurePath
from typing import Any

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

LANGUAGES = ("fr", "en")


def language(environ: os._Environ[str] | dict[str, str] | None = None) -> str:
    """`fr` or `en`, from ACOMPTE_LANG, else from the locale when it is English; French otherwise."""
    env = os.environ if environ is None else environ
    chosen = env.get("ACOMPTE_LANG", "").strip().lower()[:2]
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:  # the first one set wins, as for every program reading the locale
            return "en" if value.lower().startswith("en") else "fr"
    return "fr"


LANG = language()


def _(text: str) -> str:
    """`text` (French, a msgid of the catalogue) in the language of this run."""
    if LANG == "fr":
        return text
    from acompte.adapters.i18n.catalogue import translations

    return translations(LANG).gettext(text)


def _default_text(param: TyperOption | TyperArgument) -> str | None:
    """The default worth showing, as the user would type it; None when there is nothing to say."""
    if not param.show_default or param.required:
        return None
    default = param.default
    if isinstance(param, TyperOption) and param.is_flag:
        if param.secondary_opts and isinstance(default, bool):  # --x / --no-x: name the one in force
            return param.opts[0] if default else param.secondary_opts[0]
        return None  # a plain switch is off unless given
    if default is None or default == "" or callable(default):
        return None
    if isinstance(default, Enum):
        return str(default.value)
    if isinstance(default, PurePath):
        return str(default)
    return str(default)


def _record(param: Any) -> tuple[str, str] | None:
    """(names, help with its notes) of one parameter for the definition list; None when hidden."""
    if getattr(param, "hidden", False):
        return None
    if isinstance(param, TyperArgument):
        names = param.display_name_raw
    else:
        names = ", ".join(param.opts)
        if param.secondary_opts:
            names += " / " + ", ".join(param.secondary_opts)
    text = _("Afficher cette aide et quitter.") if param.name == "help" else (getattr(param, "help", None) or "")
    notes = []
    default = _default_text(param) if isinstance(param, TyperOption | TyperArgument) else None
    if default is not None:
        notes.append(_("par défaut\u00a0: {value}").format(value=default))
    envvar = getattr(param, "envvar", None)
    if envvar and getattr(param, "show_envvar", True) and isinstance(envvar, str):
        notes.append(_("variable d'environnement\u00a0: {name}").format(name=envvar))
    if param.required:
        notes.append(_("obligatoire"))
    if notes:
        text = f"{text} [{'; '.join(notes)}]".strip()
    return names, text


def _usage(pieces: list[str]) -> str:
    words = {"[OPTIONS]": _("[OPTIONS]"), "COMMAND [ARGS]...": _("COMMANDE [ARGUMENTS]...")}
    return " ".join(words.get(piece, piece) for piece in pieces)


def _heading(formatter: Any, title: str) -> None:
    formatter.write_paragraph()
    formatter.write(f"{'':>{formatter.current_indent}}{title}\n")


def _format_help(command: Any, ctx: Any, formatter: Any) -> None:
    formatter.write_usage(ctx.command_path, _usage(command.collect_usage_pieces(ctx)), prefix=_("Utilisation :") + " ")
    if command.help:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(command.help)
    records = [(p, _record(p)) for p in command.get_params(ctx)]
    arguments = [r for p, r in records if r is not None and isinstance(p, TyperArgument)]
    options = [r for p, r in records if r is not None and not isinstance(p, TyperArgument)]
    if arguments:
        _heading(formatter, _("Arguments :"))
        with formatter.indentation():
            formatter.write_dl(arguments)
    if options:
        _heading(formatter, _("Options :"))
        with formatter.indentation():
            formatter.write_dl(options)
    if isinstance(command, TyperGroup):
        rows = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:  # its first paragraph, whole: the list wraps it
                rows.append((name, (sub.short_help or sub.help or "").split("\n\n")[0].strip()))
        if rows:
            _heading(formatter, _("Commandes :"))
            with formatter.indentation():
                formatter.write_dl(rows)


#: Click's sentences for a command line typed wrong, in French (English runs keep Click's own words). A sentence
#: not listed stays as Click wrote it.
CLICK_SENTENCES = [
    (r"No such command '(?P<name>[^']*)'\.(?: Did you mean (?P<close>.+)\?)?", "commande inconnue : {name}."),
    (r"No such option: (?P<name>\S+)(?: Did you mean (?P<close>\S+)\?)?(?: \(Possible options: .*\))?",
     "option inconnue : {name}."),
    (r"Missing option (?P<name>.+)\.", "option obligatoire manquante : {name}."),
    (r"Missing argument (?P<name>.+)\.", "argument obligatoire manquant : {name}."),
    (r"Got unexpected extra argument\(s\) \((?P<name>.*)\)", "argument(s) en trop : {name}."),
    (r"Option (?P<name>'[^']+') requires an argument\.", "l'option {name} attend une valeur."),
    (r"Option (?P<name>'[^']+') requires \d+ arguments\.", "l'option {name} attend des valeurs."),
    (r"Invalid value for (?P<name>'[^']+'|\S+): (?P<detail>.+)", "valeur refusée pour {name} : {detail}"),
    (r"Invalid value: (?P<detail>.+)", "valeur refusée : {detail}"),
]  # fmt: skip


def french_error(text: str) -> str:
    """Click's error sentence in French (its inner detail, e.g. a type's own message, is kept)."""
    for pattern, sentence in CLICK_SENTENCES:
        found = re.fullmatch(pattern, text, flags=re.S)
        if found:
            said = sentence.format(name=found.groupdict().get("name"), detail=found.groupdict().get("detail"))
            close = found.groupdict().get("close")
            return f"{said} Vouliez-vous dire {close} ?" if close else said
    return text


def _show_error(error: Any) -> None:
    """A command line typed wrong, told in French: the usage, where to find help, then what is wrong."""
    ctx = getattr(error, "ctx", None)
    if ctx is not None:
        formatter = ctx.make_formatter()
        ctx.command.format_usage(ctx, formatter)
        hint = f"Essayez « {ctx.command_path} --help » pour l'aide.\n"
        typer.echo(f"{formatter.getvalue().rstrip()}\n{hint}", err=True)
    typer.echo(f"Erreur : {french_error(error.format_message())}", err=True)


class _Localized:
    """The help page, the usage line and (in French) the errors of a command line typed wrong."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        _format_help(self, ctx, formatter)

    def format_usage(self, ctx: Any, formatter: Any) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, _usage(pieces), prefix=_("Utilisation :") + " ")

    def main(self, *args: Any, standalone_mode: bool = True, **kwargs: Any) -> Any:
        if LANG != "fr" or not standalone_mode:
            return super().main(*args, standalone_mode=standalone_mode, **kwargs)  # type: ignore[misc]
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            # Not standalone: Click raises its errors here instead of printing them in English; an Exit comes
            # back as its code, a command's end as its return value (None).
            code = super().main(*args, standalone_mode=False, **kwargs)  # type: ignore[misc]
        except NoArgsIsHelpError as error:  # a group alone: its help page, already in French
            typer.echo(error.format_message(), err=True)
            sys.exit(error.exit_code)
        except ClickException as error:
            _show_error(error)
            sys.exit(error.exit_code)
        except typer.Abort:
            typer.echo("Abandon.", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


class Command(_Localized, TyperCommand):
    """A command whose help page is in the language of the run, without value types."""


class Group(_Localized, TyperGroup):
    """A group of commands whose help page is in the language of the run, without value types."""


def new_app(help: str) -> typer.Typer:
    """A Typer app (or sub-app) whose pages are ours: plain text (no Rich at help time), no shell-completion
    options (their help exists only in English)."""
    return typer.Typer(help=help, cls=Group, no_args_is_help=True, rich_markup_mode=None, add_completion=False)
