"""Every user-facing string has a Vietnamese translation, and the compiled catalogue is current."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "translations" / "vi" / "LC_MESSAGES"
METHODS = [("gplan/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
    "N_": None,
    "NP_": (1, 2),
}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map=METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def _translated(catalog) -> dict[str, str]:
    result = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        text = message.string if isinstance(message.string, str) else message.string[0]
        if text:
            result[key] = text
    return result


def test_every_string_is_translated():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        translated = _translated(read_po(handle, locale="vi"))
    missing = sorted(_source_messages() - translated.keys())
    assert not missing, "untranslated (run scripts/i18n and translate): " + "; ".join(missing)


def test_compiled_catalogue_matches_the_source():
    with open(CATALOGUE / "messages.po", "rb") as handle:
        source = _translated(read_po(handle, locale="vi"))
    with open(CATALOGUE / "messages.mo", "rb") as handle:
        compiled = _translated(read_mo(handle))
    assert compiled == source, "messages.mo is stale: run scripts/i18n"


def test_wtforms_messages_are_vietnamese(client):
    from tests.helpers import submit

    page = submit(client, "/login", {"email": "", "password": ""}).get_data(as_text=True)
    assert "Vui lòng điền mục này." in page
    assert "This field is required." not in page
