"""Chasing owners: drafts per owner, the lead's summary, and sending through a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import re
import socket
import subprocess
from collections.abc import Iterator
from datetime import date
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from builders import catalogue_rows, write_grid
from cli_run import invoke

from sheetsync.chasing import ChaseLog, addresses_from_rows, chase, check_address
from sheetsync.errors import SheetsyncError
from sheetsync.owners import assign, file_name
from sheetsync.reader import read_plan

AS_OF = date(2025, 3, 20)
OWNERS = {  # evidence id -> owner cell, as people write them
    "7.1": "DCI Rachel Okafor / Paula Grant", "7.2": "D/Supt Owen Pryce", "10.1": "Insp Claire Dunmore",
    "10.2": "Insp Dunmore; Legal Services", "10.3": "Chief Constables", "10.4": "   ", "10.5": "rachel okafor",
}
ADDRESSES = [["Owner", "Email"], ["DCI Rachel Okafor", "rachel.okafor@wessex.police.uk"],
             ["Paula Grant", "paula.grant@valestalking.org.uk"], ["Owen Pryce", "owen.pryce@wessex.police.uk"],
             ["Insp Claire Dunmore", "claire.dunmore@wessex.police.uk"], ["Legal Services", "not an address"]]


def _plan(path: Path, *, addresses: list[list[Any]] | None = ADDRESSES, when: date = date(2024, 12, 1)) -> Path:
    rows = catalogue_rows(status="In Progress", when=when)
    for row in rows:
        row[4] = OWNERS.get(row[2], "DI Sam Patel")
    return write_grid(path, rows, force="Wessex Vale Police",
                      extra_sheets={"Lists": addresses} if addresses is not None else None)


def _messages(folder: Path) -> dict[str, EmailMessage]:
    found = {}
    for path in sorted(folder.glob("*.eml")):
        message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
        assert isinstance(message, EmailMessage)
        found[str(message["X-Sheetsync-Owner"])] = message
    return found


def _text(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def _html(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("html",))
    assert body is not None
    return str(body.get_content())


def test_one_draft_per_owner_with_only_their_items(tmp_path: Path) -> None:
    plan_path = _plan(tmp_path / "plan.xlsx")
    result = chase(plan_path, output=tmp_path / "out", as_of=AS_OF, store=tmp_path / "store.db")
    messages = _messages(tmp_path / "out")
    assignment = assign(read_plan(plan_path))
    owner_rows = {owner.name: set(owner.ids) for owner in assignment.owners}
    assert set(messages) == {o.owner for o in result.round.to_chase}
    assert "Rachel Okafor" in " ".join(messages)  # "rachel okafor" and "DCI Rachel Okafor" are one person
    assert sum("okafor" in name.casefold() for name in messages) == 1
    every_name = [spelling for owner in assignment.owners for spelling in (owner.name, *owner.spellings)]
    for owner, message in messages.items():
        assert message["X-Unsent"] == "1"
        assert message["Subject"].startswith("OFFICIAL: Stalking action plan: ")
        assert "your update by 27 March 2025" in message["Subject"]
        count = int(re.search(r": (\d+) items? need", message["Subject"]).group(1))  # type: ignore[union-attr]
        text, html = _text(message), _html(message)
        mentioned = set(re.findall(r"^(\d+\.\d+) \(Recommendation", text, re.MULTILINE))
        assert len(mentioned) == count
        assert mentioned <= owner_rows[owner], (owner, mentioned - owner_rows[owner])
        for name in every_name:
            if assign(read_plan(plan_path)).find(name) != assignment.find(owner):
                assert name.casefold() not in text.casefold(), (owner, name)
                assert name.casefold() not in html.casefold(), (owner, name)
        assert text.startswith("OFFICIAL") and text.rstrip().endswith("OFFICIAL")
    okafor = next(m for name, m in messages.items() if "Okafor" in name)
    assert okafor["To"] == "rachel.okafor@wessex.police.uk"
    assert {"7.1", "10.5"} <= set(re.findall(r"^(\d+\.\d+) ", _text(okafor), re.MULTILINE))


def test_unassigned_rows_and_missing_addresses_go_to_the_lead(tmp_path: Path) -> None:
    plan_path = _plan(tmp_path / "plan.xlsx")
    result = chase(plan_path, output=tmp_path / "out", as_of=AS_OF, store=tmp_path / "store.db")
    assert {i.action for i in result.round.unassigned} == {"10.3", "10.4"}
    assert "DI Sam Patel" in result.round.without_address
    assert any(line.startswith("Legal Services: 'not an address'") for line in result.round.bad_addresses)
    assert result.problems
    summary = (tmp_path / "out" / "chase-summary.txt").read_text()
    assert "Unassigned rows" in summary and "10.3" in summary and "10.4" in summary
    assert "No email address for: " in summary and "DI Sam Patel" in summary
    assert "<table>" in (tmp_path / "out" / "chase-summary.html").read_text()


def test_overdue_due_and_stale_are_told_apart(tmp_path: Path) -> None:
    plan_path = _plan(tmp_path / "plan.xlsx", when=date(2025, 3, 14))
    fresh = chase(plan_path, as_of=AS_OF, store=tmp_path / "store.db")
    reasons = {i.action: i.reasons for o in fresh.round.owners for i in o.items}
    assert "due soon" in reasons["7.1"] and "stale" not in reasons["7.1"]  # 27 March 2025 is within 28 days
    late = chase(plan_path, as_of=date(2025, 6, 1), stale_after=60, store=tmp_path / "store.db")
    reasons = {i.action: i.reasons for o in late.round.owners for i in o.items}
    assert "overdue" in reasons["7.1"] and "stale" in reasons["7.1"]  # 14 March is 79 days before 1 June


def test_rows_unchanged_since_the_last_return_are_stale(tmp_path: Path) -> None:
    from sheetsync.snapshots import snapshot

    plan_path = _plan(tmp_path / "plan.xlsx", when=date(2025, 3, 14))
    snapshot(plan_path, message="March return", store=tmp_path / "store.db", as_of=AS_OF)
    result = chase(plan_path, as_of=AS_OF, store=tmp_path / "store.db")
    assert result.round.baseline is not None and "March return" in result.round.baseline
    items = {i.action: i for o in result.round.owners for i in o.items}
    assert "stale" in items["7.1"].reasons
    assert all(o.updated_since_return is False for o in result.round.owners)


def test_addresses_are_checked_never_guessed() -> None:
    assert check_address("a.b@force.police.uk") == "a.b@force.police.uk"
    assert check_address("mailto:a@b.org") == "a@b.org"
    for bad in ("", "rachel okafor", "a@b", "a@@b.org", "a b@c.org", "@b.org", "a@.org"):
        assert check_address(bad) is None, bad
    book = addresses_from_rows([["x"], ["Name", "E-mail address"], ["Jo Bloggs", "jo@x.org"], ["Al", "nope"],
                                ["", ""], ["after", "blank@x.org"]], source="test")
    assert book is not None
    assert book.addresses == {"Jo Bloggs": "jo@x.org"}
    assert book.problems == ("Al: 'nope' is not an email address",)
    assert addresses_from_rows([["Owner", "Status"]], source="test") is None


# ------------------------------------------------------------------------------------------------ sending


class _Inbox:
    """A real SMTP server on loopback (aiosmtpd) that keeps what it receives and refuses one address."""

    def __init__(self, refuse: str | None = None) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse = refuse

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: Any) -> str:
        if address == self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.original_content or envelope.content)))
        return "250 Message accepted"


@pytest.fixture
def smtp_server() -> Iterator[tuple[_Inbox, int]]:
    from aiosmtpd.controller import Controller

    inbox = _Inbox(refuse="paula.grant@valestalking.org.uk")
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield inbox, controller.port
    finally:
        controller.stop()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(args: list[str]) -> Any:
    return invoke(args, catch_exceptions=False)


def test_send_delivers_records_and_never_repeats_the_same_day(tmp_path: Path,
                                                              smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    plan_path = _plan(tmp_path / "plan.xlsx")
    store = tmp_path / "store.db"
    args = ["chase", str(plan_path), "-o", str(tmp_path / "out"), "--as-of", "2025-03-20", "--store", str(store),
            "--send", "--smtp", f"127.0.0.1:{port}", "--from", "lead@wessex.police.uk", "--json"]
    result = _run(args)
    assert result.exit_code == 1, result.output  # Legal Services and DI Sam Patel cannot be reached; Paula refused
    data = json.loads(result.output)
    delivered = {tuple(rcpts) for rcpts, _ in inbox.messages}
    assert delivered == {("rachel.okafor@wessex.police.uk",), ("owen.pryce@wessex.police.uk",),
                         ("claire.dunmore@wessex.police.uk",)}
    assert any("paula.grant@valestalking.org.uk" in line and "550" in line for line in data["refused"])
    for rcpts, raw in inbox.messages:
        message = BytesParser(policy=policy.default).parsebytes(raw)
        assert message["To"] == rcpts[0]
        assert message["X-Unsent"] is None  # a sent message is not a draft
        assert message["Subject"].startswith("OFFICIAL: Stalking action plan:")
    recorded = ChaseLog(plan_path, store, force="Wessex Vale Police").chased_on(AS_OF)
    assert len(recorded) == 3  # Paula's refused message is not recorded as sent
    again = _run([*args, "--overwrite"])
    assert len(inbox.messages) == 3, again.output  # not sent again the same day
    assert len(json.loads(again.output)["skipped_today"]) == 3
    forced = _run([*args, "--overwrite", "--again"])
    assert len(inbox.messages) == 6 + 0, forced.output


def test_dry_run_sends_nothing(tmp_path: Path, smtp_server: tuple[_Inbox, int]) -> None:
    inbox, port = smtp_server
    plan_path = _plan(tmp_path / "plan.xlsx")
    result = _run(["chase", str(plan_path), "-o", str(tmp_path / "out"), "--as-of", "2025-03-20", "--store",
                   str(tmp_path / "s.db"), "--send", "--smtp", f"127.0.0.1:{port}", "--dry-run"])
    assert "dry run, nothing sent; would send to:" in result.output
    assert "rachel.okafor@wessex.police.uk" in result.output
    assert inbox.messages == []
    assert not ChaseLog(plan_path, tmp_path / "s.db", force="Wessex Vale Police").chased_on(AS_OF)


def test_unreachable_server_is_one_line_and_nothing_is_recorded(tmp_path: Path) -> None:
    plan_path = _plan(tmp_path / "plan.xlsx")
    result = invoke(["chase", str(plan_path), "-o", str(tmp_path / "out"), "--as-of",
                     "2025-03-20", "--store", str(tmp_path / "s.db"), "--send", "--smtp",
                     f"127.0.0.1:{_free_port()}"])
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: cannot reach the mail server 127.0.0.1:"), lines
    assert "Traceback" not in result.output
    assert not ChaseLog(plan_path, tmp_path / "s.db", force="Wessex Vale Police").chased_on(AS_OF)


def test_bad_options_are_one_line(tmp_path: Path) -> None:
    plan_path = _plan(tmp_path / "plan.xlsx")
    for extra, expected in ((["--send"], "--send needs --smtp"), (["--send", "--smtp", "host:99999"], "HOST:PORT"),
                            (["--dry-run"], "go with --send")):
        result = invoke(["chase", str(plan_path), "-o", str(tmp_path / "o"), *extra])
        assert result.exit_code == 2 and expected in result.output, result.output
    with pytest.raises(SheetsyncError, match="Owner"):
        bad = tmp_path / "owners.csv"
        bad.write_text("who,where\nx,y\n")
        chase(plan_path, owners_file=bad, as_of=AS_OF, store=tmp_path / "s.db")


def test_owners_csv_replaces_the_workbook_table(tmp_path: Path) -> None:
    plan_path = _plan(tmp_path / "plan.xlsx", addresses=None)
    csv_path = tmp_path / "owners.csv"
    csv_path.write_text("Owner,Email\nInsp Claire Dunmore,cd@x.police.uk\nDI Sam Patel,sp@x.police.uk\n")
    result = chase(plan_path, owners_file=csv_path, as_of=AS_OF, store=tmp_path / "s.db")
    emails = {o.owner: o.email for o in result.round.owners}
    assert emails["Insp Claire Dunmore"] == "cd@x.police.uk" and emails["DI Sam Patel"] == "sp@x.police.uk"
    assert emails.get("DCI Rachel Okafor") is None


@pytest.mark.chromium
def test_the_html_draft_renders_in_chromium(tmp_path: Path, require_tool: Any) -> None:
    chromium = require_tool("chromium")
    plan_path = _plan(tmp_path / "plan.xlsx")
    chase(plan_path, output=tmp_path / "out", as_of=AS_OF, store=tmp_path / "s.db")
    message = next(iter(_messages(tmp_path / "out").values()))
    page = tmp_path / "draft.html"
    page.write_text(_html(message), encoding="utf-8")
    shot = tmp_path / "draft.png"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    "--window-size=900,1200", page.as_uri()], check=True, capture_output=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_each_owner_gets_their_own_return_attached(tmp_path: Path) -> None:
    from sheetsync.round import split_plan
    from sheetsync.round.stamp import read_stamp

    plan_path = _plan(tmp_path / "plan.xlsx")
    store = tmp_path / "store.db"
    split_plan(plan_path, output=tmp_path / "returns", store=store, as_of=AS_OF)
    result = chase(plan_path, output=tmp_path / "out", as_of=AS_OF, store=store,
                   attach_returns=tmp_path / "returns")
    messages = _messages(tmp_path / "out")
    assert messages and set(messages) == {o.owner for o in result.round.to_chase}
    for owner, message in messages.items():
        attachments = list(message.iter_attachments())
        assert len(attachments) == 1, owner
        data = attachments[0].get_content()
        stamp = read_stamp(data)
        assert stamp is not None and stamp.owner == owner
        assert attachments[0].get_filename() == file_name(owner, taken=set())  # as split named it
    # The split's snapshot is the last round sent: rows unchanged since then are stale.
    assert result.round.baseline is not None and "returns sent" in result.round.baseline


def test_the_chase_owners_button_writes_the_drafts_beside_the_workbook(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from builders import save_values

    from sheetsync.excel.adapter import run_press
    from sheetsync.excel.chase import press_chase_owners
    from sheetsync.excel.memory import MemoryBook

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SHEETSYNC_STORE", raising=False)
    book = MemoryBook.from_file(_plan(tmp_path / "Wessex plan.xlsx"))
    book.on_save = save_values
    message = run_press(book, lambda b: press_chase_owners(b, as_of=AS_OF))
    folder = tmp_path / "Wessex plan chase 2025-03-20"
    assert message.startswith(f"Wrote 6 email drafts and a summary to {folder}"), message
    assert "No email address for: DI Sam Patel" in message and "Traceback" not in message
    assert book.saves == 1
    assert len(list(folder.glob("*.eml"))) == 6 and (folder / "chase-summary.html").exists()
    again = run_press(book, lambda b: press_chase_owners(b, as_of=AS_OF))
    assert f"{folder} (2)" in again  # a second press never overwrites the first drafts


def test_the_chase_record_is_kept_in_the_store_itself(tmp_path: Path) -> None:
    import sqlite3

    store = tmp_path / "store.db"
    log = ChaseLog(tmp_path / "plan.xlsx", store, force="Wessex Vale Police")
    log.record(AS_OF, ["rachel okafor"])
    with sqlite3.connect(store) as conn:
        rows = conn.execute("SELECT plan_key, owner_key, day FROM chases").fetchall()
    assert rows == [("plan|wessex vale police", "rachel okafor", "2025-03-20")]
    assert ChaseLog(tmp_path / "elsewhere" / "plan.xlsx", store, force="Wessex Vale Police").chased_on(AS_OF) == {
        "rachel okafor"}
