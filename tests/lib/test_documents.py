from __future__ import annotations

import pytest

from fangkong.lib.documents import DocumentError, DocumentType, validate_document

FPR = DocumentType.FOREIGN_PERMANENT_RESIDENCE


@pytest.mark.parametrize(
    ("doc_type", "number", "expected"),
    [
        (DocumentType.RESIDENT_ID, "11010519491231002x", "11010519491231002X"),
        ("resident_id", "620702 19900101 1236", "620702199001011236"),
        (DocumentType.PASSPORT, "e12345678", "E12345678"),
        (DocumentType.PASSPORT, "G 1234 5678", "G12345678"),
        (DocumentType.PASSPORT, "AB123", "AB123"),
        (DocumentType.PASSPORT, "A" * 17, "A" * 17),
        (FPR, "usa110085050161", "USA110085050161"),
        (FPR, "931101840198001012", "931101840198001012"),
        (FPR, "93110184019800101x", "93110184019800101X"),
        (DocumentType.HK_MACAU_PERMIT, "h12345678", "H12345678"),
        (DocumentType.HK_MACAU_PERMIT, "M1234567890", "M1234567890"),
        (DocumentType.TAIWAN_PERMIT, "１２３４５６７８", "12345678"),
        (DocumentType.OTHER, "jg-2020/15", "JG-2020/15"),
    ],
)
def test_valid_documents(doc_type: DocumentType | str, number: str, expected: str) -> None:
    assert validate_document(doc_type, number) == expected


@pytest.mark.parametrize(
    ("doc_type", "number", "code"),
    [
        ("driving_licence", "123", "document_type"),
        (DocumentType.PASSPORT, "   ", "document_empty"),
        (DocumentType.RESIDENT_ID, "110105194912310021", "id_checksum"),
        (DocumentType.RESIDENT_ID, "1101051949", "id_length"),
        (DocumentType.PASSPORT, "E123", "passport_format"),
        (DocumentType.PASSPORT, "A" * 18, "passport_format"),
        (DocumentType.PASSPORT, "E1234-678", "passport_format"),
        (FPR, "US110085050161", "foreign_permanent_residence_format"),
        (FPR, "831101840198001012", "foreign_permanent_residence_format"),
        (DocumentType.HK_MACAU_PERMIT, "H1234567", "hk_macau_permit_format"),
        (DocumentType.HK_MACAU_PERMIT, "A12345678", "hk_macau_permit_format"),
        (DocumentType.HK_MACAU_PERMIT, "H123456789", "hk_macau_permit_format"),
        (DocumentType.TAIWAN_PERMIT, "1234567", "taiwan_permit_format"),
        (DocumentType.TAIWAN_PERMIT, "T1234567", "taiwan_permit_format"),
        (DocumentType.OTHER, "X" * 33, "document_format"),
        (DocumentType.OTHER, "号码", "document_format"),
    ],
)
def test_invalid_documents(doc_type: DocumentType | str, number: str, code: str) -> None:
    with pytest.raises(DocumentError) as excinfo:
        validate_document(doc_type, number)
    assert excinfo.value.code == code


def test_document_types_are_stable_strings() -> None:
    # These values are stored in the database; renaming one needs a data migration.
    assert [t.value for t in DocumentType] == [
        "resident_id",
        "passport",
        "foreign_permanent_residence",
        "hk_macau_permit",
        "taiwan_permit",
        "other",
    ]
