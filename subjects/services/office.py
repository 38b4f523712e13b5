"""Judging an Office Open XML package (.docx and kin) by what it declares, never by what its parts are called.

A package says what each part is in ``[Content_Types].xml`` and how parts hang
together in its ``_rels/*.rels`` relationships. Word runs a part because of its
content type or relationship, whatever its name: ``word/other.bin`` declared as
a VBA project is a macro. So a package is refused when any declared content
type or relationship is active content (VBA, macro-enabled documents and Excel
4 macro sheets, ActiveX), when it embeds a program (by target extension, by a
part starting ``MZ``, or by an OLE "Package" object, which can carry any file),
when an OLE object or template is fetched from outside the file, and, as a
belt to those braces, when any member is called ``vbaProject.bin`` in any case
and folder. Embedded Office packages are judged the same way, one level deep.

Reading is bounded: members, bytes per part and total bytes are capped, and XML
with a DTD is refused (OOXML never has one), so a crafted zip cannot exhaust
memory or expand entities.
"""

import io
import posixpath
import zipfile
from xml.parsers import expat

from django.core.exceptions import ValidationError

MACROS_MESSAGE = (
    "This file contains macros (VBA code), which could run on the computer of whoever opens it. "
    "Save it as a Word document (.docx) without macros and upload that."
)
ACTIVEX_MESSAGE = (
    "This file contains ActiveX controls, which could run code on the computer of whoever opens it. "
    "Remove the controls, or save the document as a PDF, and upload that."
)
EXECUTABLE_MESSAGE = (
    "This file has a program or an embedded file package inside it. "
    "Remove the embedded object, or save the document as a PDF, and upload that."
)
EXTERNAL_MESSAGE = (
    "This file fetches an object or template from outside itself when it is opened. "
    "Remove the link, or save the document as a PDF, and upload that."
)
UNREADABLE_MESSAGE = (
    "This Office file could not be checked (it is damaged, encrypted, too large inside or oddly built). "
    "Save it again as a Word document (.docx), or as a PDF, and upload that."
)

MAX_MEMBERS = 5000
MAX_PART_BYTES = 16 * 1024 * 1024  # one XML part or embedded object
MAX_TOTAL_BYTES = 50 * 1024 * 1024  # everything read from one upload, nested packages included
MAX_NESTING = 1

OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"

# Lower-case fragments of a content type that mean code runs when the document opens.
_MACRO_CONTENT = ("vba", "macroenabled", "macrosheet")
_ACTIVEX_CONTENT = ("activex",)
# Relationship types are judged by their last path segment, lower case: ``.../vbaProject``, ``.../wordVbaData``,
# ``.../xlMacrosheet`` are macros; ``.../control`` and ``.../activeXControlBinary`` are ActiveX.
_MACRO_RELATIONSHIP = ("vba", "macro")
_EMBEDDING_RELATIONSHIPS = frozenset({"oleobject", "package"})
_EXTERNAL_FETCH_RELATIONSHIPS = frozenset({"oleobject", "package", "attachedtemplate", "subdocument", "frame"})
EXECUTABLE_EXTENSIONS = frozenset(
    {
        "exe", "dll", "scr", "bat", "cmd", "com", "pif", "cpl", "msi", "msp", "jar", "js", "jse",
        "vbs", "vbe", "wsf", "wsh", "ps1", "psm1", "hta", "lnk", "reg", "ocx", "sys", "msc",
    }
)  # fmt: skip
_MZ = b"MZ"
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
# The stream of an OLE "Package" object (the Windows Packager), named in UTF-16 in the compound file's directory.
_OLE_PACKAGE_STREAM = "\x01Ole10Native".encode("utf-16-le")
_OLE_VBA_STREAM = "_VBA_PROJECT".encode("utf-16-le")
_DOS_STUB = b"This program cannot be run in DOS mode"


def office_package_judge(upload) -> str | None:
    """The main document's content type of a safe Office package, or None if ``upload`` is not one.

    Raises ``ValidationError`` (with one of this module's messages) for a
    package carrying active content, an embedded program or an outside fetch.
    Leaves ``upload`` rewound.
    """
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return _Package(archive, budget=_Budget(), depth=0).judge()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError):
        return None
    finally:
        upload.seek(0)


class _Budget:
    """Bytes still allowed to be read from one upload, shared with the packages nested in it."""

    def __init__(self):
        self.left = MAX_TOTAL_BYTES

    def read(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        """The whole member; refused if it is larger than a part may be or than what is left."""
        limit = min(MAX_PART_BYTES, self.left)
        data = _member_bytes(archive, info, limit + 1)
        if len(data) > limit:
            raise _refused(UNREADABLE_MESSAGE)
        self.left -= len(data)
        return data


def _member_bytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    try:
        with archive.open(info) as member:
            return member.read(size)
    except (RuntimeError, NotImplementedError, zipfile.BadZipFile, OSError, EOFError) as error:
        raise _refused(UNREADABLE_MESSAGE) from error  # encrypted, unsupported compression, corrupt


class _Package:
    def __init__(self, archive: zipfile.ZipFile, *, budget: _Budget, depth: int):
        self.archive = archive
        self.budget = budget
        self.depth = depth
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise _refused(UNREADABLE_MESSAGE)
        # Part names are case-insensitive (ECMA-376 part 2); two members that differ only in case are a trick.
        self.members = {_part_name(info.filename): info for info in members}
        if len(self.members) != len(members):
            raise _refused(UNREADABLE_MESSAGE)

    def judge(self) -> str | None:
        """The main document's content type; None when this zip is no Office package or names no main document."""
        if "/[content_types].xml" not in self.members:
            return None
        self._refuse_named_macros()
        defaults, overrides = self._content_types()
        self._refuse_active_content_types([*defaults.values(), *overrides.values()])
        main_part = self._check_relationships()
        self._check_embedded_parts()
        if main_part is None:
            return None
        return overrides.get(main_part) or defaults.get(_extension(main_part))

    def _refuse_named_macros(self) -> None:
        if any(posixpath.basename(name) == "vbaproject.bin" for name in self.members):
            raise _refused(MACROS_MESSAGE)

    def _content_types(self) -> tuple[dict[str, str], dict[str, str]]:
        defaults, overrides = {}, {}
        for tag, attributes in self._xml_children("/[content_types].xml"):
            content_type = attributes.get("ContentType", "").strip().lower()
            if tag == "Default":
                defaults[attributes.get("Extension", "").strip().lower()] = content_type
            elif tag == "Override":
                overrides[_part_name(attributes.get("PartName", ""))] = content_type
        return defaults, overrides

    def _refuse_active_content_types(self, content_types: list[str]) -> None:
        if any(fragment in content_type for content_type in content_types for fragment in _MACRO_CONTENT):
            raise _refused(MACROS_MESSAGE)
        if any(fragment in content_type for content_type in content_types for fragment in _ACTIVEX_CONTENT):
            raise _refused(ACTIVEX_MESSAGE)

    def _check_relationships(self) -> str | None:
        """Judge every relationship of every part; the main document's part name, from the package's own rels."""
        main_part = None
        for rels_name in [name for name in self.members if _is_relationships_part(name)]:
            source_folder = posixpath.dirname(posixpath.dirname(rels_name))
            for _tag, attributes in self._xml_children(rels_name):
                kind = attributes.get("Type", "").strip()
                target = attributes.get("Target", "").strip()
                _judge_relationship(kind, target, external=attributes.get("TargetMode", "").lower() == "external")
                if rels_name == "/_rels/.rels" and kind in (OFFICE_DOCUMENT, STRICT_OFFICE_DOCUMENT):
                    main_part = _part_name(posixpath.join(source_folder, target))
        return main_part

    def _check_embedded_parts(self) -> None:
        for name, info in self.members.items():
            if _extension(name) in EXECUTABLE_EXTENSIONS:
                raise _refused(EXECUTABLE_MESSAGE)
            head = _member_bytes(self.archive, info, len(_OLE2))
            if head.startswith(_MZ):
                raise _refused(EXECUTABLE_MESSAGE)
            if head.startswith(_OLE2):
                self._check_ole_object(info)
            elif head.startswith(_ZIP):
                self._check_nested_package(info)

    def _check_ole_object(self, info: zipfile.ZipInfo) -> None:
        """An embedded OLE2 compound file: a Packager object can hold any file; a VBA storage is macros."""
        data = self.budget.read(self.archive, info)
        if _OLE_VBA_STREAM in data:
            raise _refused(MACROS_MESSAGE)
        if _OLE_PACKAGE_STREAM in data or _DOS_STUB in data:
            raise _refused(EXECUTABLE_MESSAGE)

    def _check_nested_package(self, info: zipfile.ZipInfo) -> None:
        """An embedded zip must itself be a safe Office package (an embedded workbook, say), one level deep."""
        if self.depth >= MAX_NESTING:
            raise _refused(UNREADABLE_MESSAGE)
        data = self.budget.read(self.archive, info)
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as nested:
                main_type = _Package(nested, budget=self.budget, depth=self.depth + 1).judge()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
            raise _refused(UNREADABLE_MESSAGE) from error
        if main_type is None:  # a plain zip can carry anything
            raise _refused(EXECUTABLE_MESSAGE)

    def _xml_children(self, name: str) -> list[tuple[str, dict[str, str]]]:
        """The root's child elements (local name, attributes) of an XML part; refused with a DTD or badly formed."""
        return _xml_children(self.budget.read(self.archive, self.members[name]))


def _xml_children(data: bytes) -> list[tuple[str, dict[str, str]]]:
    # expat directly, so a DTD (and with it any entity) is refused whatever the document's encoding.
    children, depth = [], 0

    def start(tag, attributes):
        nonlocal depth
        depth += 1
        if depth == 2:
            children.append((tag.rsplit(" ", 1)[-1], attributes))

    def end(_tag):
        nonlocal depth
        depth -= 1

    def no_dtd(*_args):
        raise _refused(UNREADABLE_MESSAGE)

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = no_dtd
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        raise _refused(UNREADABLE_MESSAGE) from error
    return children


def _judge_relationship(kind: str, target: str, *, external: bool) -> None:
    last = kind.lower().rstrip("/").rsplit("/", 1)[-1]
    if any(fragment in last for fragment in _MACRO_RELATIONSHIP):
        raise _refused(MACROS_MESSAGE)
    if last == "control" or "activex" in last:
        raise _refused(ACTIVEX_MESSAGE)
    if external and last in _EXTERNAL_FETCH_RELATIONSHIPS and _fetched_from_elsewhere(target):
        raise _refused(EXTERNAL_MESSAGE)
    if last in _EMBEDDING_RELATIONSHIPS and _extension(target) in EXECUTABLE_EXTENSIONS:
        raise _refused(EXECUTABLE_MESSAGE)


def _fetched_from_elsewhere(target: str) -> bool:
    """A target Office would fetch over a network (``http:``, ``mhtml:``, a UNC share), not a file on this disk.

    A template or linked object on the reader's own disk (a ``C:`` path, ``file:///``)
    is common in offices and fetches nothing, so it is allowed.
    """
    lowered = target.strip().lower().replace("\\", "/")
    if lowered.startswith("file:///"):
        return False
    if lowered.startswith("//"):
        return True
    scheme = lowered.split(":", 1)[0] if ":" in lowered else ""
    return len(scheme) > 1  # a one-letter "scheme" is a drive letter


def _part_name(name: str) -> str:
    """A part name as the package compares them: one leading slash, forward slashes, ``..`` resolved, lower case."""
    return posixpath.normpath("/" + name.replace("\\", "/").lstrip("/")).lower()


def _is_relationships_part(name: str) -> bool:
    return name.endswith(".rels") and posixpath.basename(posixpath.dirname(name)) == "_rels"


def _extension(name: str) -> str:
    path = name.split("?", 1)[0].split("#", 1)[0].replace("\\", "/")
    return posixpath.splitext(posixpath.basename(path))[1].lstrip(".").lower()


def _refused(message: str) -> ValidationError:
    return ValidationError(message, code="office_content")
