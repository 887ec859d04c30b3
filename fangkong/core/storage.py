"""A Django storage backend keeping files in the database (``core.StoredFile``).

For several app servers without a shared disk or an object store: the files are as shared,
backed up and restored as the database itself. Fit for what Fangkong stores (photos re-encoded
to a few hundred kB, reports and exports of a few MB); an object store suits larger volumes.
Each named storage keeps its files under its own ``location`` prefix.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin

from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.utils.deconstruct import deconstructible

from fangkong.core.models import StoredFile


@deconstructible(path="fangkong.core.storage.DatabaseStorage")
class DatabaseStorage(Storage):
    def __init__(self, location: str = "", base_url: str | None = None) -> None:
        self.location = location.strip("/")
        self.base_url = base_url

    def _key(self, name: str) -> str:
        return f"{self.location}/{name}" if self.location else name

    def _rows(self, name: str) -> Any:
        return StoredFile.objects.filter(name=self._key(name))

    def _open(self, name: str, mode: str = "rb") -> File:
        content = self._rows(name).values_list("content", flat=True).first()
        if content is None:
            raise FileNotFoundError(name)
        return ContentFile(bytes(content), name=name)

    def _save(self, name: str, content: File) -> str:
        data = b"".join(content.chunks())
        StoredFile.objects.create(name=self._key(name), content=data, size=len(data))
        return name

    def delete(self, name: str) -> None:
        self._rows(name).delete()

    def exists(self, name: str) -> bool:
        return self._rows(name).exists()

    def size(self, name: str) -> int:
        size = self._rows(name).values_list("size", flat=True).first()
        if size is None:
            raise FileNotFoundError(name)
        return int(size)

    def get_created_time(self, name: str) -> datetime:
        created = self._rows(name).values_list("created_at", flat=True).first()
        if created is None:
            raise FileNotFoundError(name)
        return created

    get_modified_time = get_created_time

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        prefix = self._key(path.strip("/") + "/" if path.strip("/") else "")
        names = StoredFile.objects.filter(name__startswith=prefix).values_list("name", flat=True)
        dirs: set[str] = set()
        files: list[str] = []
        for name in names:
            head, sep, _rest = name[len(prefix) :].partition("/")
            if sep:
                dirs.add(head)
            else:
                files.append(head)
        return sorted(dirs), sorted(files)

    def url(self, name: str | None) -> str:
        if name is None:
            raise ValueError("a file without a name has no URL")
        if self.base_url is None:
            raise ValueError("this storage's files are not served from a URL")
        return urljoin(self.base_url, quote(name))
