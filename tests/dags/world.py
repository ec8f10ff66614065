"""A small, known world for the end-to-end DAG tests, with every timestamp chosen.

Two schools that exist from 2026-11-01 (Hanbit "H", Riverside "R") and one created
later (2026-11-25), boards "hf" (free) and "hs" (secret) at H, "rf" at R, and one board
created 2026-11-25. Weeks start on Monday: 2026-11-09 and 2026-11-16.

2026-11-14 (Sat)  signups: minji, junho, yuna (H)
2026-11-15 (Sun)  signup: alex (R), who adds RK1 to his timetable RT (removed on 11-19,
                  so no event: the addition's row is gone by the time its day is loaded)
2026-11-16..18    nothing (but junho adds K2 to a timetable T0, deleted on 11-20: no event)
2026-11-19 (Thu)  seoyeon signs up (H); junho posts P0, minji posts P5 (hf); minji likes
                  P0; seoyeon reports P0; reviews: junho K1 = 4, seoyeon K2 = 2; alex
                  removes RK1 from RT (his only activity that day)
2026-11-20 (Fri)  P0 hidden at 02:00 (6 h after its first report); dohyun (H) and sam (R)
                  sign up; posts P1 (minji, hf), P2 (junho, hs, anonymous), P3 (seoyeon,
                  hf, question), RP1 (alex, rf); comments C1 (junho on P1), C2 (seoyeon
                  on P2, anonymous), C3 (minji, reply to C1), C4 (yuna on P1, anonymous:
                  her only activity that day), RC1 (sam on RP1, anonymous); likes: P1 by
                  junho, seoyeon, dohyun; P2 by minji; P5 by junho, dohyun; RP1 by sam;
                  C1 by minji; scraps: P1 and (at 23:59:59.999999) P5 by dohyun, P3 by
                  junho; reports: C2 by dohyun and minji, P3 by junho; C2 hidden at 14:00
                  (1 h after its first report); reviews: K1 by minji = 5 and dohyun = 4;
                  minji adds K1 and K2 to a timetable; junho deletes T0 (K2 removed)
2026-11-21 00:00  seoyeon scraps P5 (the next day: not in 2026-11-20)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from uuid import UUID

from tests.dags.seed import Source

D = date(2026, 11, 20)
D_1 = date(2026, 11, 19)
BACKFILL = [date(2026, 11, n) for n in range(14, 21)]  # 7 days, 11-14 .. 11-20


def at(day: int, hour: int, minute: int = 0, second: int = 0, micro: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, second, micro, tzinfo=UTC)


@dataclass
class World:
    source: Source
    ids: dict[str, UUID] = field(default_factory=dict)

    def __getitem__(self, name: str) -> str:
        return str(self.ids[name])


def build(source: Source) -> World:
    w = World(source)
    i = w.ids
    i["H"] = source.school("Hanbit University", "hanbit.ac.kr", at(1, 0))
    i["R"] = source.school("Riverside College", "riverside.edu", at(1, 0))
    i["L"] = source.school("Late College", "late.edu", at(25, 0))
    i["hf"] = source.board(i["H"], "Free", at(1, 0))
    i["hs"] = source.board(i["H"], "Secret", at(1, 0))
    i["rf"] = source.board(i["R"], "Free", at(1, 0))
    i["hlate"] = source.board(i["H"], "Market", at(25, 0))
    i["K1"] = source.course(i["H"], "CSE101", at(1, 0))
    i["K2"] = source.course(i["H"], "CSE202", at(1, 0))
    i["RK1"] = source.course(i["R"], "RIV100", at(1, 0))

    i["minji"] = source.user(i["H"], "minji", at(14, 9))
    i["junho"] = source.user(i["H"], "junho", at(14, 9, 30))
    i["yuna"] = source.user(i["H"], "yuna", at(14, 10))
    i["alex"] = source.user(i["R"], "alex", at(15, 9))
    i["RT"] = source.timetable(i["alex"], at(15, 9, 30))
    source.add_course(i["RT"], i["RK1"], at(15, 9, 40))
    i["T0"] = source.timetable(i["junho"], at(16, 10))
    source.add_course(i["T0"], i["K2"], at(16, 10, 5))

    # 2026-11-19
    i["seoyeon"] = source.user(i["H"], "seoyeon", at(19, 9))
    i["P0"] = source.post(i["hf"], i["junho"], at(19, 10))
    source.like_post(i["P0"], i["minji"], at(19, 11))
    i["P5"] = source.post(i["hf"], i["minji"], at(19, 12))
    source.review(i["K1"], i["junho"], 4, at(19, 18))
    source.review(i["K2"], i["seoyeon"], 2, at(19, 19))
    source.report("post", i["P0"], i["seoyeon"], at(19, 20))
    source.remove_course(i["RT"], i["RK1"], at(19, 14))

    # 2026-11-20
    source.hide("post", i["P0"], at(20, 2))
    i["dohyun"] = source.user(i["H"], "dohyun", at(20, 8))
    i["sam"] = source.user(i["R"], "sam", at(20, 9))
    i["P1"] = source.post(i["hf"], i["minji"], at(20, 10))
    i["P2"] = source.post(i["hs"], i["junho"], at(20, 10, 30), anonymous=True)
    i["P3"] = source.post(i["hf"], i["seoyeon"], at(20, 11), question=True)
    i["RP1"] = source.post(i["rf"], i["alex"], at(20, 10))
    i["RC1"] = source.comment(i["RP1"], i["sam"], at(20, 10, 10), anonymous=True)
    source.like_post(i["RP1"], i["sam"], at(20, 10, 20))
    i["C1"] = source.comment(i["P1"], i["junho"], at(20, 11, 10))
    i["C2"] = source.comment(i["P2"], i["seoyeon"], at(20, 11, 20), anonymous=True)
    i["C3"] = source.comment(i["P1"], i["minji"], at(20, 11, 30), parent=i["C1"])
    i["C4"] = source.comment(i["P1"], i["yuna"], at(20, 11, 40), anonymous=True)
    source.like_post(i["P1"], i["junho"], at(20, 12))
    source.like_post(i["P1"], i["seoyeon"], at(20, 12, 5))
    source.like_post(i["P1"], i["dohyun"], at(20, 12, 10))
    source.like_post(i["P2"], i["minji"], at(20, 12, 15))
    source.like_comment(i["C1"], i["minji"], at(20, 12, 20))
    source.scrap(i["P1"], i["dohyun"], at(20, 12, 30))
    source.scrap(i["P3"], i["junho"], at(20, 12, 35))
    source.like_post(i["P5"], i["junho"], at(20, 12, 40))
    source.like_post(i["P5"], i["dohyun"], at(20, 12, 45))
    source.report("comment", i["C2"], i["dohyun"], at(20, 13), reason="abuse")
    source.report("comment", i["C2"], i["minji"], at(20, 13, 5), reason="abuse")
    source.report("post", i["P3"], i["junho"], at(20, 13, 10))
    source.hide("comment", i["C2"], at(20, 14))
    source.review(i["K1"], i["minji"], 5, at(20, 15))
    source.review(i["K1"], i["dohyun"], 4, at(20, 15, 30))
    i["T1"] = source.timetable(i["minji"], at(20, 15, 55))
    source.add_course(i["T1"], i["K1"], at(20, 16))
    source.add_course(i["T1"], i["K2"], at(20, 16, 5))
    source.delete_timetable(i["T0"], at(20, 17))
    source.scrap(i["P5"], i["dohyun"], at(20, 23, 59, 59, 999_999))

    # 2026-11-21: the next day
    source.scrap(i["P5"], i["seoyeon"], at(21, 0))
    return w
