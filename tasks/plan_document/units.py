"""Names of bodies in a plan's words matched against the unit registry.

A line such as "Ban Tuyên giáo Tỉnh ủy, sở, ban, ngành, UBND các huyện, thành phố và các phòng,
đơn vị, trung tâm thuộc Sở" is read word by word, folded (`words`), and at each place the longest
known name is taken: a unit's name or short name, the name without its province ("... tỉnh" for
"... tỉnh Đồng Nai"), or one of the usual ways plans name a group of bodies ("các sở, ban, ngành",
"UBND các xã, phường"), which stands for the registry's group of that kind. What is left between
known names is a name the registry does not know; a name close to a known one, a loose word
("địa phương"), a unit no longer in existence or a name several units share is matched with doubt.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field

from kehoach.db import Vietnamese

from .draft import DOUBTFUL, MATCHED, UNMATCHED, Mention
from .words import PIECE_ENDS, Token, capitalise, fold, key, squash, tokens

# The usual ways a plan names a group of bodies, folded, by the kind of group. A registry group
# whose name or short name is one of these stands for all of them.
GROUP_PHRASES = {
    "departments": [
        "so ban nganh",
        "so ban nganh tinh",
        "so nganh",
        "so nganh tinh",
        "so ban nganh lien quan",
        "so nganh lien quan",
        "so ban nganh doan the",
        "so ban nganh doan the tinh",
        "co quan chuyen mon thuoc uy ban nhan dan tinh",
        "co quan chuyen mon",
    ],
    "districts": [
        "uy ban nhan dan huyen thanh pho",
        "uy ban nhan dan cap huyen",
        "uy ban nhan dan huyen thi xa thanh pho",
        "uy ban nhan dan huyen",
        "uy ban nhan dan huyen thanh pho tinh",
        "uy ban nhan dan huyen thanh pho thuoc tinh",
        "huyen thanh pho",
        "huyen thi xa thanh pho",
    ],
    "communes": [
        "uy ban nhan dan xa phuong",
        "uy ban nhan dan cap xa",
        "uy ban nhan dan xa phuong thi tran",
        "uy ban nhan dan xa phuong dac khu",
        "uy ban nhan dan xa",
        "xa phuong",
        "xa phuong thi tran",
        "xa phuong dac khu",
    ],
    "enterprises": [
        "doanh nghiep to chuc ca nhan",
        "doanh nghiep",
        "doanh nghiep to chuc",
        "to chuc ca nhan",
        "doanh nghiep to chuc ca nhan lien quan",
        "doanh nghiep tren dia ban tinh",
    ],
    "institutes": [
        "vien truong dai hoc to chuc khoa hoc cong nghe",
        "vien truong dai hoc",
        "vien truong",
        "vien truong to chuc khoa hoc cong nghe",
        "vien nghien cuu truong dai hoc",
        "truong dai hoc vien nghien cuu",
        "to chuc khoa hoc cong nghe",
    ],
    "related": [
        "co quan don vi co lien quan",
        "co quan don vi lien quan",
        "co quan co lien quan",
        "co quan lien quan",
        "don vi co lien quan",
        "don vi lien quan",
        "co quan to chuc don vi co lien quan",
    ],
    "own_divisions": [
        "phong chuyen mon don vi truc thuoc so",
        "phong chuyen mon don vi truc thuoc",
        "phong chuyen mon don vi thuoc so",
        "phong chuyen mon don vi su nghiep truc thuoc so",
        "phong don vi thuoc so",
        "phong don vi truc thuoc so",
        "phong don vi trung tam thuoc so",
        "phong don vi trung tam truc thuoc so",
        "phong ban don vi thuoc so",
        "phong ban don vi truc thuoc so",
        "phong trung tam thuoc so",
        "phong chuyen mon thuoc so",
        "don vi truc thuoc so",
        "don vi thuoc so",
    ],
}
# Words that stand for a group only loosely: "địa phương" is the local governments of the plan's
# time (the districts until 30/06/2025, the communes and wards after), matched with doubt.
LOOSE_PHRASES = {"dia phuong": ("districts", "communes"), "dia phuong lien quan": ("districts", "communes")}

# Words that begin the name of a body: a piece of a list that begins otherwise continues the name
# before it ("Sở Văn hóa, Thể thao và Du lịch").
HEAD_WORDS = {
    tuple(words.split())
    for words in (
        "so",
        "ban",
        "phong",
        "trung tam",
        "uy ban",
        "hoi dong",
        "hoi",
        "lien hiep",
        "vien",
        "truong",
        "cong ty",
        "tong cong ty",
        "van phong",
        "cuc",
        "chi cuc",
        "bo",
        "tong cuc",
        "dai",
        "bao",
        "benh vien",
        "quy",
        "doan",
        "thanh tra",
        "cong an",
        "bo chi huy",
        "tinh uy",
        "huyen uy",
        "thanh uy",
        "dang uy",
        "dang doan",
        "mat tran",
        "doanh nghiep",
        "to chuc",
        "hop tac xa",
        "khu",
        "thu vien",
        "bao tang",
        "kho bac",
        "ngan hang",
        "chi nhanh",
        "tap doan",
        "hoc vien",
        "dai hoc",
        "cao dang",
        "thuong truc",
        "lanh dao",
        "giam doc",
        "co quan",
        "don vi",
        "thanh pho",
        "thi xa",
        "huyen",
        "xa",
        "phuong",
        "chinh phu",
        "toa an",
        "vien kiem sat",
        "ca nhan",
    )
}
# Words around names that name no body: "có liên quan", "trên địa bàn tỉnh", "(chủ trì)".
FILLER_WORDS = frozenset(
    "lien quan tren dia ban tinh thuoc truc theo chuc nang nhiem vu duoc giao phoi hop voi cung neu "
    "thuc hien chu tri de cap khac toan cua tai ve trong moi doi tham gia hien".split()
)
FILLER_PHRASES = frozenset(
    {"co lien quan", "neu co", "co lien quan tren dia ban", "co lien quan tren dia ban tinh"}
)
# A match this close (0 to 1) to a name of the registry is offered with doubt.
FUZZY_CUTOFF = 0.86
# Kinds of unit whose name keeps its province when shortened: "Ủy ban nhân dân tỉnh" is no
# "Ủy ban nhân dân".
KEEP_PROVINCE = {"government", "district", "commune", "group"}
GROUP = "group"


@dataclass(frozen=True)
class Known:
    """A unit of the registry, as the matcher needs it."""

    code: str
    name: str
    kind: str
    parent: str | None = None
    valid_from: datetime.date | None = None
    valid_to: datetime.date | None = None
    successor: str | None = None
    short_name: str = ""

    def exists_on(self, day: datetime.date | None) -> bool:
        if day is None:
            return True
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )


@dataclass
class Hit:
    codes: list[str]
    how: str  # "name", "group", "loose"


@dataclass
class Registry:
    """The units a document's names are matched against, with the words that name each."""

    units: dict[str, Known]
    members: dict[str, set[str]] = field(default_factory=dict)  # group code → member codes
    place: str = ""
    _trie: dict = field(default_factory=dict, repr=False)
    _keys: dict[str, Hit] = field(default_factory=dict, repr=False)

    @classmethod
    def from_database(cls, *, place: str = "") -> Registry:
        """Every unit, in two queries whatever their number."""
        from tasks.models import GroupMembership, Unit

        units = [
            Known(
                code=row["code"],
                name=row["name"],
                short_name=row["short_name"],
                kind=row["kind"],
                parent=row["parent__code"],
                valid_from=row["valid_from"],
                valid_to=row["valid_to"],
                successor=row["successor__code"],
            )
            for row in Unit.objects.values(
                "code",
                "name",
                "short_name",
                "kind",
                "parent__code",
                "valid_from",
                "valid_to",
                "successor__code",
            ).order_by(Vietnamese("name"))
        ]
        members: dict[str, set[str]] = {}
        for member, group in GroupMembership.objects.values_list("member__code", "group__code"):
            members.setdefault(group, set()).add(member)
        return cls.build(units, members=members, place=place)

    @classmethod
    def build(cls, units, *, members=None, place: str = "") -> Registry:
        registry = cls(units={unit.code: unit for unit in units}, members=members or {}, place=key(place))
        for unit in units:
            for alias in registry._aliases(unit):
                registry._add(alias, unit.code, "name")
        for concept, phrases in GROUP_PHRASES.items():
            targets = registry._groups_for(concept)
            for phrase in phrases:
                for code in targets:
                    registry._add(phrase, code, "group")
                if not targets:  # known words, but no group of the registry to stand for
                    registry._add(phrase, None, "group")
        for phrase, concepts in LOOSE_PHRASES.items():
            for concept in concepts:
                for code in registry._groups_for(concept):
                    registry._add(phrase, code, "loose")
        return registry

    # -- building -----------------------------------------------------------------------------
    def _aliases(self, unit: Known) -> set[str]:
        aliases = set()
        for text in (unit.name, unit.short_name):
            words = key(text).split() if text else []
            if not words:
                continue
            aliases.add(" ".join(words))
            place = self.place.split()
            if place and words[-len(place) :] == place and len(words) > len(place):
                shorter = words[: -len(place)]
                aliases.add(
                    " ".join(shorter)
                )  # "... tỉnh Đồng Nai" → "... tỉnh"; "Tỉnh ủy Đồng Nai" → "Tỉnh ủy"
                words = shorter
            if unit.kind not in KEEP_PROVINCE and words[-1] == "tinh" and len(words) >= 3:
                aliases.add(" ".join(words[:-1]))  # "Liên hiệp các Hội KH&KT tỉnh" → "... KH&KT"
            if unit.kind == "leadership":  # "Ban Giám đốc Sở": "Giám đốc Sở", "Lãnh đạo Sở"
                for alias in list(aliases):
                    if alias.startswith("ban giam doc "):
                        aliases |= {
                            alias.removeprefix("ban "),
                            "lanh dao " + alias.removeprefix("ban giam doc "),
                        }
            if unit.kind == "front":  # "Ủy ban MTTQ Việt Nam tỉnh", "Ủy ban MTTQ tỉnh", "MTTQ tỉnh"
                for alias in list(aliases):
                    for variant in (alias, alias.replace(" viet nam", "")):
                        aliases |= {variant, variant.removeprefix("uy ban ")}
        return aliases

    def _groups_for(self, concept: str) -> list[str]:
        phrases = set(GROUP_PHRASES[concept])
        return [
            unit.code
            for unit in self.units.values()
            if unit.kind == GROUP
            and (key(unit.name) in phrases or (unit.short_name and key(unit.short_name) in phrases))
        ]

    def _add(self, alias: str, code: str | None, how: str) -> None:
        hit = self._keys.get(alias)
        if hit is None:
            hit = self._keys[alias] = Hit(codes=[], how=how)
            node = self._trie
            for word in alias.split():
                node = node.setdefault(word, {})
            node[None] = hit
        elif hit.how != "name" and how == "name":
            # A unit's own name outranks a usual phrase that happens to be spelled the same.
            hit.codes, hit.how = [], how
        elif how != hit.how:
            return
        if code is not None and code not in hit.codes:
            hit.codes.append(code)

    # -- matching -----------------------------------------------------------------------------
    def match(self, text: str, *, on: datetime.date | None = None) -> list[Mention]:
        """The bodies named in `text`, in order, each once."""
        found: list[Mention] = []
        words = tokens(text)
        pending: list[Token] = []  # words of no known name, up to the next separator
        # Each item: ("hit", Mention, tokens) or ("piece", tokens), with "gap" marking a separator.
        items: list[tuple] = []

        def flush():
            if pending:
                items.append(("piece", list(pending)))
                pending.clear()

        index = 0
        while index < len(words):
            token = words[index]
            if token.word in PIECE_ENDS:
                flush()
                items.append(("gap",))
                index += 1
                continue
            if token.soft:
                index += 1
                continue
            end, hit = self._walk(words, index)
            if hit is None:
                pending.append(token)
                index += 1
                continue
            flush()
            span = words[index:end]
            items.append(("hit", self._mention(text, span, hit, on), span))
            index = end
        flush()

        # A piece that does not begin a name continues the one before it (after a comma, "và"); right
        # after a known name, with nothing between, it makes that match doubtful.
        merged: list[tuple] = []
        for item in items:
            if item[0] == "piece" and not _begins_name(item[1]) and not _filler(item[1]):
                before = next((i for i in range(len(merged) - 1, -1, -1) if merged[i][0] != "gap"), None)
                if before is not None and merged[before][0] == "piece":
                    merged[before] = ("piece", merged[before][1] + item[1])
                    del merged[before + 1 :]
                    continue
                if before is not None and before == len(merged) - 1:  # a known name, no separator between
                    _, mention, span = merged[before]
                    extended = span + item[1]
                    mention.text = _span_text(text, extended)
                    mention.key = key(mention.text)
                    if mention.status == MATCHED:
                        mention.status = DOUBTFUL
                        mention.reason = f"Có thêm chữ sau tên đơn vị: “{_span_text(text, item[1])}”."
                    merged[before] = ("hit", mention, extended)
                    continue
            merged.append(item)

        seen_units, seen_keys = set(), set()
        for item in merged:
            if item[0] == "hit":
                mention = item[1]
            elif item[0] == "piece" and not _filler(item[1]) and len(item[1]) >= 2:
                mention = self._unknown(_span_text(text, item[1]), on)
            else:
                continue
            if (mention.unit and mention.unit in seen_units) or mention.key in seen_keys:
                continue
            seen_keys.add(mention.key)
            if mention.unit:
                seen_units.add(mention.unit)
            found.append(mention)
        return found

    def find(self, text: str, *, on: datetime.date | None = None) -> list[Mention]:
        """The known names in a sentence, in order, and nothing else: the words between them are no
        names ("Giao <đơn vị> phối hợp theo dõi…")."""
        words, found, index = tokens(text), [], 0
        while index < len(words):
            if words[index].soft:
                index += 1
                continue
            end, hit = self._walk(words, index)
            if hit is None or not hit.codes:
                index = end if hit is not None else index + 1
                continue
            found.append(self._mention(text, words[index:end], hit, on))
            index = end
        return found

    def _walk(self, words: list[Token], start: int) -> tuple[int, Hit | None]:
        node, index, best = self._trie, start, (start, None)
        while index < len(words):
            token = words[index]
            if token.soft and index > start:
                index += 1
                continue
            node = node.get(token.word)
            if node is None:
                break
            index += 1
            if None in node:
                best = (index, node[None])
        return best

    def _mention(self, text: str, span: list[Token], hit: Hit, on) -> Mention:
        written = _span_text(text, span)
        mention = Mention(text=written, key=key(written))
        codes = hit.codes
        if not codes:
            mention.reason = "Cách gọi chung một nhóm đơn vị, nhưng danh mục chưa có nhóm này: chọn một nhóm có sẵn hoặc tạo nhóm mới."
            return mention
        current = [code for code in codes if self.units[code].exists_on(on)]
        chosen = (current or codes)[0]
        mention.unit, mention.status = chosen, MATCHED
        if hit.how == "loose":
            mention.status = DOUBTFUL
            mention.reason = f"“{written}” là cách gọi chung; tạm hiểu là {self.units[chosen].name}."
        elif len(current or codes) > 1:
            mention.status = DOUBTFUL
            names = "; ".join(self.units[code].name for code in (current or codes))
            mention.reason = f"Nhiều đơn vị cùng được gọi như vậy: {names}."
        elif not current:
            unit = self.units[chosen]
            mention.status = DOUBTFUL
            mention.reason = f"{unit.name} đã thôi hoạt động từ sau ngày {unit.valid_to:%d/%m/%Y}" + (
                f"; đơn vị kế thừa: {self.units[unit.successor].name}."
                if unit.successor in self.units
                else "."
            )
        return mention

    def _unknown(self, written: str, on) -> Mention:
        written = squash(written)
        mention = Mention(text=written, key=key(written))
        close = difflib.get_close_matches(mention.key, self._keys.keys(), n=1, cutoff=FUZZY_CUTOFF)
        if close:
            hit = self._keys[close[0]]
            current = [code for code in hit.codes if self.units[code].exists_on(on)] or hit.codes
            unit = self.units[current[0]]
            mention.unit, mention.status = unit.code, DOUBTFUL
            mention.reason = f"Gần giống “{unit.name}”."
        else:
            mention.status = UNMATCHED
            mention.reason = "Không có đơn vị nào trong danh mục mang tên này."
        return mention

    def reporting_for(self, code: str, issuer: str | None) -> str | None:
        """Who reports on an assignment of the group `code`: its members when every member is one of
        the issuer's own divisions ("các phòng, đơn vị thuộc Sở": each reports to the department);
        None leaves the default (docs/domain.md, "Plans and tasks")."""
        unit = self.units.get(code)
        members = self.members.get(code, set())
        if unit is None or unit.kind != GROUP or not members or issuer is None:
            return None
        if all(self.units[m].parent == issuer for m in members if m in self.units):
            return "members"
        return None

    def label(self, code: str | None) -> str:
        unit = self.units.get(code or "")
        return unit.name if unit else ""


def _span_text(text: str, span: list[Token]) -> str:
    return squash(text[span[0].start : span[-1].end]).strip(" ,;.:")


def _begins_name(span: list[Token]) -> bool:
    words = tuple(token.word for token in span if not token.soft)
    return any(words[: len(head)] == head for head in HEAD_WORDS)


def _filler(span: list[Token]) -> bool:
    words = [token.word for token in span if not token.soft]
    return all(word in FILLER_WORDS for word in words) or " ".join(words) in FILLER_PHRASES


def suggested_name(text: str) -> str:
    """A name for a new unit from the words that named it: "các Sở Tài chính" → "Sở Tài chính"."""
    words = squash(text).strip(" ,;.:")
    if fold(words).startswith("cac "):
        words = words[4:]
    return capitalise(words)
