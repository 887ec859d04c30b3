"""Synthetic people for the demo: Chinese names, mobile numbers and police ranks.

Names are drawn from common surnames (weighted roughly by how common they are, with a few
that are frequent in the Hexi corridor) and common given-name characters; they are
combinations, not real persons. Everything comes from a seeded ``random.Random``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

# (surname, relative weight).
SURNAMES: tuple[tuple[str, int], ...] = (
    ("王", 70), ("李", 68), ("张", 64), ("刘", 52), ("陈", 44), ("杨", 32), ("赵", 20),
    ("黄", 18), ("周", 16), ("吴", 15), ("徐", 13), ("孙", 12), ("马", 14), ("胡", 10),
    ("朱", 10), ("郭", 10), ("何", 9), ("高", 9), ("林", 8), ("罗", 7), ("郑", 7),
    ("梁", 7), ("谢", 6), ("宋", 6), ("唐", 6), ("许", 5), ("韩", 6), ("冯", 5), ("邓", 5),
    ("曹", 5), ("彭", 4), ("曾", 3), ("田", 5), ("董", 5), ("袁", 4), ("潘", 3), ("于", 4),
    ("蒋", 3), ("蔡", 3), ("余", 3), ("杜", 4), ("叶", 3), ("程", 4), ("苏", 3), ("魏", 4),
    ("吕", 3), ("丁", 3), ("任", 3), ("沈", 2), ("姚", 3), ("卢", 3), ("姜", 3), ("崔", 3),
    ("钟", 2), ("谭", 2), ("陆", 2), ("汪", 2), ("范", 3), ("金", 2), ("石", 3), ("廖", 2),
    ("贾", 3), ("夏", 2), ("付", 3), ("方", 2), ("白", 3), ("邹", 2), ("孟", 3), ("秦", 2),
    ("邱", 2), ("侯", 3), ("江", 2), ("尹", 2), ("薛", 3), ("闫", 3), ("段", 2), ("雷", 2),
    ("龙", 1), ("史", 2), ("陶", 2), ("贺", 3), ("毛", 2), ("郝", 3), ("顾", 1), ("武", 3),
    ("安", 3), ("常", 2), ("祁", 2), ("鲁", 2), ("柴", 2), ("寇", 1), ("妥", 1), ("兰", 1),
    ("达", 1), ("岳", 1), ("牛", 2), ("樊", 2), ("党", 2), ("巩", 1), ("滕", 1), ("把", 1),
)  # fmt: skip

GIVEN_MALE = (
    "伟强军平刚斌涛鹏杰磊超勇明辉峰亮波浩宇龙飞林海文国建志永新春天生荣德忠成兴福学俊博"
    "鑫瑞凯昊晨旭阳东军华立兵鹏程宏伟振江涛明海山彦虎贵元庆祥瑜锋睿哲航泽轩"
)
GIVEN_FEMALE = "芳娜敏静丽艳娟霞燕玲婷雪慧琳倩洁梅萍莉兰秀英华红晶颖佳欣悦蕾瑶琴丹璐薇佩怡馨月晓露"

# Mainland mobile prefixes of the three carriers (China Mobile, Unicom, Telecom).
MOBILE_PREFIXES = (
    "134", "135", "136", "137", "138", "139", "147", "150", "151", "152", "157", "158",
    "159", "178", "182", "183", "187", "188", "198", "130", "131", "132", "155", "156",
    "166", "175", "176", "185", "186", "133", "153", "173", "177", "180", "181", "189",
    "191", "199",
)  # fmt: skip

# Ranks of front-line sworn officers, lowest first, with relative weights.
LINE_RANKS: tuple[tuple[str, int], ...] = (
    ("constable_2", 5),
    ("constable_1", 15),
    ("sergeant_3", 25),
    ("sergeant_2", 25),
    ("sergeant_1", 20),
    ("inspector_3", 10),
)


class NameGenerator:
    """Unique full names: a drawn name that was already given is drawn again."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._surnames = [surname for surname, _ in SURNAMES]
        self._weights = [weight for _, weight in SURNAMES]
        self._used: set[str] = set()

    def draw(self, *, female: bool) -> tuple[str, str]:
        """A ``(surname, given name)`` pair not drawn before."""
        chars = GIVEN_FEMALE if female else GIVEN_MALE
        while True:
            surname = self._rng.choices(self._surnames, self._weights)[0]
            length = 2 if self._rng.random() < 0.7 else 1
            given = "".join(self._rng.choice(chars) for _ in range(length))
            if given[0] != given[-1] or length == 1:
                full = surname + given
                if full not in self._used:
                    self._used.add(full)
                    return surname, given


class PhoneGenerator:
    """Unique, valid 11-digit mainland mobile numbers."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._used: set[str] = set()

    def draw(self) -> str:
        while True:
            number = self._rng.choice(MOBILE_PREFIXES) + f"{self._rng.randrange(10**8):08d}"
            if number not in self._used:
                self._used.add(number)
                return number


def line_rank(rng: random.Random) -> str:
    return rng.choices([rank for rank, _ in LINE_RANKS], [w for _, w in LINE_RANKS])[0]


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Share ``total`` out in proportion to ``weights`` (largest remainder; ties go first)."""
    weight_sum = sum(weights)
    if total <= 0 or weight_sum <= 0:
        return [0] * len(weights)
    exact = [total * weight / weight_sum for weight in weights]
    shares = [int(value) for value in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares
