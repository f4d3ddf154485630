"""The command line's help: one language per run (French by default, English from ACOMPTE_LANG or an English
locale), no value types beside the options, `--version` from the installed package, and nothing heavy loaded to
show any of it. Run as a user runs it: the installed `acompte` script in a process of its own."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

from acompte.adapters.cli.exports import FEC_ENCODING
from acompte.adapters.cli.localized import language
from acompte.adapters.exports.fec import DEFAULT_ENCODING

SCRIPT = Path(sys.executable).with_name("acompte")
COMMANDS = [
    [],
    ["serve"],
    ["demo"],
    ["init"],
    ["user"],
    ["user", "create"],
    ["token", "create"],
    ["export", "fec"],
    ["bank", "import"],
    ["bank", "match"],
    ["backup"],
    ["verify"],
    ["files", "render"],
]
#: Words only the other language would use (whole words, lower case).
ENGLISH = {"the", "and", "of", "to", "with", "for", "show", "this", "default", "required", "usage", "commands",
           "create", "start", "exit", "message", "company", "database"}  # fmt: skip
FRENCH = {"le", "la", "les", "des", "du", "une", "et", "pour", "avec", "afficher", "défaut", "obligatoire",
          "utilisation", "commandes", "créer", "société", "base", "données", "quitter"}  # fmt: skip
TYPES = re.compile(r"<(bool|str|int|float|path|text|integer|int range)>|\bTEXT\b|\bINTEGER\b|\bBOOLEAN\b")


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"ACOMPTE_LANG", "LC_ALL", "LC_MESSAGES", "LANG"}}
    return subprocess.run(
        [str(SCRIPT), *args],
        env={**clean, "COLUMNS": "100", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


#: What is the same in both languages: option names, names of commands, hyphenated names (X-Forwarded-For,
#: read-only, e-reporting), and the usage line.
NAMES = re.compile(r"(?m)^\S.*acompte.*$|--?[\w-]+|\S*\w-\w\S*|^  [a-z-]+(?=  )")


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", NAMES.sub(" ", text).lower()))


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "acompte")
def test_the_help_is_in_french_by_default_without_types(command):
    result = run(*command, "--help")
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert page.startswith(f"Utilisation : acompte {' '.join(command)}".rstrip())
    assert "Options :" in page and "Afficher cette aide et quitter." in page
    assert not TYPES.search(page), page
    assert not words(page) & ENGLISH, (words(page) & ENGLISH, page)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "acompte")
@pytest.mark.parametrize("env", [{"ACOMPTE_LANG": "en"}, {"LANG": "en_GB.UTF-8"}], ids=["ACOMPTE_LANG", "LANG"])
def test_the_help_is_in_english_when_asked_without_types(command, env):
    result = run(*command, "--help", **env)
    assert result.returncode == 0, result.stderr
    page = result.stdout
    assert page.startswith(f"Usage: acompte {' '.join(command)}".rstrip())
    assert "Options:" in page and "Show this help and exit." in page
    assert not TYPES.search(page), page
    assert not words(page) & FRENCH, (words(page) & FRENCH, page)
    assert not re.search(r"[àâçéèêëîïôûùüœ«»]", page), page


def test_the_language_follows_acompte_lang_then_the_locale_then_french():
    assert language({}) == "fr"
    assert language({"LANG": "C.UTF-8"}) == "fr"
    assert language({"LANG": "en_US.UTF-8"}) == "en"
    assert language({"LANG": "en_US.UTF-8", "LC_ALL": "fr_FR.UTF-8"}) == "fr"
    assert language({"LANG": "fr_FR.UTF-8", "ACOMPTE_LANG": "en"}) == "en"
    assert language({"LANG": "en_GB.UTF-8", "ACOMPTE_LANG": "fr"}) == "fr"
    assert language({"ACOMPTE_LANG": "de", "LANG": "de_DE.UTF-8"}) == "fr"


def test_version_is_the_installed_packages():
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"acompte {version('acompte')}"


def test_showing_the_help_loads_neither_the_database_nor_the_web_nor_the_pdf_layers():
    probe = (
        "import sys\n"
        "from acompte.adapters.cli.main import app\n"
        "for args in (['--help'], ['serve', '--help'], ['export', 'fec', '--help'], ['--version']):\n"
        "    try:\n"
        "        app(args, prog_name='acompte')\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True, env=dict(os.environ)
    )
    loaded = set(result.stdout.split())
    assert "acompte.adapters.cli.main" in loaded
    heavy = {
        "sqlalchemy", "alembic", "psycopg", "fastapi", "starlette", "uvicorn", "weasyprint", "facturx", "lxml",
        "jinja2", "argon2", "babel", "rich", "acompte.bootstrap", "acompte.persistence",
        "acompte.services", "acompte.adapters.api", "acompte.adapters.web", "acompte.adapters.exports",
    }  # fmt: skip
    # (Typer itself checks the values of a command's options with pydantic: not listed.)
    assert not {m for m in loaded if any(m == h or m.startswith(h + ".") for h in heavy)}


def test_the_fec_encoding_shown_by_the_help_is_the_exports():
    assert FEC_ENCODING == DEFAULT_ENCODING


@pytest.mark.parametrize(
    ("args", "french", "english"),
    [
        (["serv"], "Erreur : commande inconnue : serv. Vouliez-vous dire 'serve'", "Error: No such command 'serv'."),
        (["serve", "--hots", "x"], "Erreur : option inconnue : --hots.", "Error: No such option: --hots"),
        (["user", "create"], "Erreur : option obligatoire manquante : '--email'.", "Error: Missing option '--email'."),
        (["init", "de", "trop"], "Erreur : argument(s) en trop : de trop.", "Error: Got unexpected extra argument"),
        (["serve", "--port"], "Erreur : l'option '--port' attend une valeur.", "Error: Option '--port' requires"),
    ],
    ids=["command", "option", "missing", "extra", "value"],
)
def test_a_command_line_typed_wrong_is_told_in_the_language_of_the_help(args, french, english):
    said = run(*args)
    assert said.returncode == 2 and said.stdout == ""
    assert french in said.stderr, said.stderr
    assert "Error" not in said.stderr and "Usage" not in said.stderr and "Try " not in said.stderr
    if args != ["serve", "--port"]:  # that one is refused before the command is known: no usage line
        assert said.stderr.startswith(f"Utilisation : acompte {args[0]}") or args == ["serv"]
        assert "pour l'aide." in said.stderr
    told = run(*args, ACOMPTE_LANG="en")
    assert told.returncode == 2 and english in told.stderr, told.stderr
    assert "Erreur" not in told.stderr


def test_a_group_without_its_command_shows_its_help_in_french():
    said = run("export")
    assert said.returncode == 2
    assert said.stderr.startswith("Utilisation : acompte export") and "Commandes :" in said.stderr
    assert "Erreur" not in said.stderr
