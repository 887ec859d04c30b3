"""One row per real person: found by the blind index of their document, created if new."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from fangkong.core.identity import blind_index_of
from fangkong.lib import idnumber
from fangkong.registration.choices import DocumentType
from fangkong.registration.models import Person


def person_doc_index(doc_type: str, doc_number: str) -> str:
    return blind_index_of("document", f"{doc_type}:{doc_number}")


def person_upsert(*, doc_type: str, doc_number: str, name: str, phone: str = "") -> Person:
    """The person with this (already validated and normalised) document, created if new.
    A newer name or phone replaces the stored one: people change phones, not documents."""
    index = person_doc_index(doc_type, doc_number)
    person = Person.objects.filter(doc_index=index).first()
    if person is None:
        person = _person_create(doc_type, doc_number, name, phone)
        if person.pk is not None:
            return person
        # Another request created the same person between our read and our write.
        person = Person.objects.get(doc_index=index)
    changed = [f for f, v in (("name", name), ("phone", phone)) if v and getattr(person, f) != v]
    if changed:
        person.name, person.phone = name or person.name, phone or person.phone
        person.phone_tail = person.phone[-4:]
        person.save(update_fields=[*changed, "phone_index", "phone_tail"])
    return person


def _person_create(doc_type: str, doc_number: str, name: str, phone: str) -> Person:
    person = Person(
        doc_type=doc_type, doc_number=doc_number, name=name, phone=phone, phone_tail=phone[-4:]
    )
    if doc_type == DocumentType.RESIDENT_ID:
        parsed = idnumber.validate(doc_number)
        person.sex, person.birth_date = parsed.sex, parsed.birth_date
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:
        person.pk = None
    return person
