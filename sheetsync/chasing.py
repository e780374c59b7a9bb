"""Chasing owners: who needs to update what, by when, as one email draft per owner and a summary for the lead.

`chase_plan` works out, for each owner, the evidence requirements that are overdue, due soon or stale, and the
validation findings on their rows; `sheetsync.mail` turns that into messages, writes them as `.eml` drafts and
sends them. An owner's message holds only their own items: no other owner's items or names.

Owners are matched as the owners' round matches them (`sheetsync.owners`): a cell naming several people gives
each of them the row; rows with no real owner go to the lead as "unassigned".
"""

from __future__ import annotations

import csv
import getpass
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from pathlib import Path
from typing import TYPE_CHECKING

from sheetsync.dates import long_date
from sheetsync.errors import ConfigError, SheetsyncError, StoreError, UnreadableFileError
from sheetsync.files import write_text_atomic
from sheetsync.model import Action, Plan
from sheetsync.owners import UNASSIGNED, assign, file_name
from sheetsync.plan_rules import classify, deadline_of, vocabulary_of, with_progress
from sheetsync.validation import Finding, ValidationReport

if TYPE_CHECKING:
    from sheetsync.mail import SmtpSettings

DEFAULT_DUE_WITHIN = 28
DEFAULT_STALE_AFTER = 60
DEFAULT_REPLY_WITHIN = 7
PASSWORD_ENV = "SHEETSYNC_SMTP_PASSWORD"
# Findings that are the owner's to fix (the plan-wide and catalogue ones are the lead's).
_LEAD_ONLY = {"empty-plan", "missing-recommendation", "missing-action", "missing-header-field", "deadline-mismatch",
              "deadline-wording", "unknown-recommendation", "blank-row", "value-under-no-header",
              "merged-input-cell", "hidden-row", "formula-not-calculated", "misplaced-action", "duplicate-action",
              "bad-action-id", "id-trimmed", "unknown-action", "missing-owner", "owner-unassigned"}
_TEAM_WORDS = re.compile(r"\b(?:services?|team|unit|department|dept|board|office|hub|group|desk|centre|center|"
                         r"command|directorate|partnership|analysts?)\b", re.IGNORECASE)
# Findings whose message names another row: the owner gets what to do, not the other row.
_OWN_WORDS = {
    "duplicate-update": "The update is the same as another requirement's: write this requirement's own update.",
    "evidence-mismatch": "The evidence text is another requirement's: check the row was not pasted over.",
}


@dataclass(frozen=True, slots=True)
class ChaseItem:
    """One evidence requirement an owner is asked to update, and why."""

    action: str
    recommendation: str
    evidence: str
    status: str | None
    last_update: date | None
    deadline: date | None
    reasons: tuple[str, ...]  # "overdue", "due soon", "stale"
    todo: tuple[str, ...]  # what to do, one sentence each (from the reasons and the findings)


@dataclass(frozen=True, slots=True)
class OwnerChase:
    """Everything one owner is asked for; `email` is None when the Owners table has no address for them."""

    owner: str
    key: str
    email: str | None
    items: tuple[ChaseItem, ...]
    rows: int  # evidence requirements this owner has in the plan
    updated_since_return: bool | None  # None when there is no earlier return to compare with
    spellings: tuple[str, ...] = ()  # every way the plan writes this owner (to keep them out of others' messages)


@dataclass(frozen=True, slots=True)
class ChaseRound:
    """The chase for a whole plan as on `as_of`."""

    force: str | None
    marking: str
    as_of: date
    reply_by: date
    owners: tuple[OwnerChase, ...]
    unassigned: tuple[ChaseItem, ...]
    without_address: tuple[str, ...]
    bad_addresses: tuple[str, ...]  # "name: what is wrong"
    baseline: str | None  # "snapshot 14 (March return)", or None

    def names_of(self, owner: OwnerChase) -> set[str]:
        """How the plan writes `owner`: full spellings, the name without rank, and a person's surname (not a
        team's last word: "Services")."""
        names = {s for s in owner.spellings if s} | {owner.owner, owner.key}
        words = owner.key.split()
        if 2 <= len(words) <= 3 and not _TEAM_WORDS.search(owner.owner) and len(words[-1]) > 2:
            names.add(words[-1])
        return names

    @property
    def to_chase(self) -> list[OwnerChase]:
        """Owners with at least one item."""
        return [o for o in self.owners if o.items]


@dataclass(frozen=True, slots=True)
class ChaseSettings:
    """How a chase is judged: as on `as_of`, due within `due_within` days, stale after `stale_after` days."""

    as_of: date
    due_within: int = DEFAULT_DUE_WITHIN
    stale_after: int = DEFAULT_STALE_AFTER
    reply_by: date | None = None
    baseline: Plan | None = None  # the plan at the last return: rows unchanged since it are stale
    baseline_label: str | None = None
    addresses: Mapping[str, str] = field(default_factory=dict)  # owner name as written -> address


def chase_plan(plan: Plan, report: ValidationReport, settings: ChaseSettings) -> ChaseRound:
    """Work out who needs to update what (a pure function of the plan, its findings and the settings)."""
    vocab = vocabulary_of(plan)
    as_of = settings.as_of
    due_limit = as_of + timedelta(days=settings.due_within)
    stale_limit = as_of - timedelta(days=settings.stale_after)
    before = {a.id.strip(): a for _, a in settings.baseline.actions()} if settings.baseline is not None else None
    findings = _findings_by_action(report.findings)
    assignment = assign(plan)
    names = {owner.key: owner.name for owner in assignment.owners}
    rows = {owner.key: len(owner.ids) for owner in assignment.owners}
    spellings = {owner.key: (owner.name, *owner.spellings) for owner in assignment.owners}
    items: dict[str, list[ChaseItem]] = {}
    changed: dict[str, bool] = {}
    unassigned: list[ChaseItem] = []
    for rec, action in plan.actions():
        if action.hidden:
            continue
        key_id = action.id.strip()
        status = classify(action, vocab)
        deadline = deadline_of(rec)
        done = status.category == "done"
        reasons: list[str] = []
        todo: list[str] = []
        if not done and deadline is not None:
            if deadline < as_of:
                reasons.append("overdue")
                todo.append(f"Its deadline ({long_date(deadline)}) has passed: say what is left and when it will be "
                            "done.")
            elif deadline <= due_limit:
                reasons.append("due soon")
                todo.append(f"It is due by {long_date(deadline)}: update its progress.")
        previous = before.get(key_id) if before is not None else None
        unchanged = previous is not None and _same_update(previous, action)
        if not done:
            if action.date is None:
                reasons.append("stale")
                todo.append("The update has no date: date it when you update it.")
            elif action.date < stale_limit:
                reasons.append("stale")
                todo.append(f"The last update is dated {long_date(action.date)}: please bring it up to date.")
            elif unchanged:
                reasons.append("stale")
                todo.append("Nothing has changed since the last return: please update it.")
        own_findings = findings.get(key_id, [])
        if own_findings:
            reasons.append("findings")
            todo.extend(_OWN_WORDS.get(f.code) or _finding_todo(f) for f in own_findings)
        item = ChaseItem(action=key_id, recommendation=rec.number, evidence=_short(action.evidence),
                         status=with_progress(status.status, status.progress) or action.status_raw,
                         last_update=action.date, deadline=deadline, reasons=tuple(reasons),
                         todo=tuple(dict.fromkeys(todo)))
        for key in assignment.owners_of(action.id):
            if key == UNASSIGNED:  # every such row is the lead's to give an owner, whatever else it needs
                unassigned.append(replace(item, reasons=("no owner", *item.reasons),
                                          todo=("Name the person or team who owns it.", *item.todo)))
                continue
            if todo:
                items.setdefault(key, []).append(item)
            if previous is not None:
                changed[key] = changed.get(key, False) or not unchanged
    addresses = {}
    for name, address in settings.addresses.items():
        found = assignment.find(name)
        if found is not None:
            addresses[found.key] = address
    owners = tuple(
        OwnerChase(owner=names[key], key=key, email=addresses.get(key), items=tuple(items.get(key, ())),
                   rows=rows[key], updated_since_return=changed.get(key, False) if before is not None else None,
                   spellings=spellings[key])
        for key in sorted(names, key=lambda k: names[k].casefold()))
    return ChaseRound(
        force=plan.force, marking=(plan.protective_marking or "OFFICIAL").strip() or "OFFICIAL", as_of=as_of,
        reply_by=settings.reply_by or as_of + timedelta(days=DEFAULT_REPLY_WITHIN), owners=owners,
        unassigned=tuple(unassigned),
        without_address=tuple(o.owner for o in owners if o.items and o.email is None),
        bad_addresses=(), baseline=settings.baseline_label)


# ----------------------------------------------------------------------------------------------- addresses

_NAME_HEAD = re.compile(r"^(?:owner|owner name|name|action owner|recommendation owner)s?$", re.IGNORECASE)
_EMAIL_HEAD = re.compile(r"^e-?mail(?: address)?$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class AddressBook:
    """Owner name as written -> address, and the entries that could not be used ("name: what is wrong")."""

    addresses: dict[str, str]
    problems: tuple[str, ...]
    source: str | None


def addresses_from_rows(rows: Iterable[Sequence[object]], *, source: str) -> AddressBook | None:
    """An Owners table (a heading row with a name column and an email column, then one owner a row) found in
    `rows`; None when there is no such table."""
    addresses: dict[str, str] = {}
    problems: list[str] = []
    columns: tuple[int, int] | None = None
    for values in rows:
        cells = ["" if v is None else str(v).strip() for v in values]
        if columns is None:
            name_col = next((i for i, c in enumerate(cells) if _NAME_HEAD.match(c)), None)
            mail_col = next((i for i, c in enumerate(cells) if _EMAIL_HEAD.match(c)), None)
            if name_col is not None and mail_col is not None:
                columns = (name_col, mail_col)
            continue
        name = cells[columns[0]] if columns[0] < len(cells) else ""
        mail = cells[columns[1]] if columns[1] < len(cells) else ""
        if not name and not mail:
            if addresses or problems:
                break
            continue
        if not name:
            problems.append(f"{mail}: no owner name beside it")
            continue
        checked = check_address(mail)
        if checked is None:
            problems.append(f"{name}: {mail!r} is not an email address" if mail else f"{name}: no email address")
            continue
        addresses[name] = checked
    if columns is None:
        return None
    return AddressBook(addresses, tuple(problems), source)


def addresses_from_csv(path: Path) -> AddressBook:
    """`--owners FILE.csv`: a heading row (Owner/Name, Email) then one owner a row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFileError(f"cannot be read as UTF-8 CSV ({exc})", path=path,
                                  hint="Save the owners list as CSV UTF-8 with columns Owner and Email") from exc
    book = addresses_from_rows(csv.reader(io.StringIO(text)), source=str(path))
    if book is None:
        raise ConfigError("has no heading row with an Owner (or Name) column and an Email column", path=path,
                          hint="Put 'Owner' and 'Email' in the first row")
    return book


def addresses_from_workbook(path: Path) -> AddressBook | None:
    """The Owners table on the workbook's Lists or Settings sheet, if it has one."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception:
        return None
    for sheet in book.sheet_names:
        if sheet.strip().casefold() in ("lists", "settings", "owners"):
            found = addresses_from_rows(book.get_sheet_by_name(sheet).to_python(skip_empty_area=False),
                                        source=f"{path.name}, sheet {sheet!r}")
            if found is not None:
                return found
    return None


def check_address(text: str) -> str | None:
    """`text` as one plain address (`name@example.org`), or None when it is not one."""
    text = text.strip().removeprefix("mailto:")
    if not text or any(ch.isspace() for ch in text) or text.count("@") != 1:
        return None
    local, _, domain = text.partition("@")
    if not local or "." not in domain or domain.startswith(".") or domain.endswith("."):
        return None
    try:
        Address(addr_spec=text)
    except (HeaderParseError, ValueError, IndexError):
        return None
    return text


# ----------------------------------------------------------------------------------------------- helpers


def _findings_by_action(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    found: dict[str, list[Finding]] = {}
    for finding in findings:
        if finding.action and finding.code not in _LEAD_ONLY and finding.severity != "info":
            found.setdefault(finding.action.strip(), []).append(finding)
    return found


def _finding_todo(finding: Finding) -> str:
    text = finding.message
    if finding.suggestion and finding.suggestion not in text:
        text = f"{text} (suggested: {finding.suggestion})"
    return text


def _same_update(old: Action, new: Action) -> bool:
    return (old.update or "").strip() == (new.update or "").strip() and old.date == new.date and (
        (old.status_raw or old.status or "").strip() == (new.status_raw or new.status or "").strip())


def _short(text: str | None, limit: int = 160) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"




# ------------------------------------------------------------------------------------------- the whole verb


@dataclass(frozen=True, slots=True)
class ChaseResult:
    """What `chase` did: the round, the files it wrote, and (when sending) who was sent their message."""

    round: ChaseRound
    written: tuple[Path, ...]
    sent: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    skipped_today: tuple[str, ...] = ()  # owners already chased today (not sent again without --again)
    dry_run: bool = False

    @property
    def problems(self) -> bool:
        """True when an owner could not be reached: no address, a bad address, or a refused message."""
        return bool(self.round.without_address or self.round.bad_addresses or self.refused)

    def describe(self) -> str:
        chase_round = self.round
        lines = [f"{len(chase_round.to_chase)} of {len(chase_round.owners)} owners have items to update "
                 f"({sum(len(o.items) for o in chase_round.to_chase)} items); "
                 f"{len(chase_round.unassigned)} unassigned rows need an owner."]
        if self.written:
            folder = self.written[0].parent
            lines.append(f"wrote {len(self.written)} files to {folder} (drafts open in Outlook ready to send)")
        if chase_round.without_address:
            lines.append(f"no email address for: {', '.join(chase_round.without_address)}")
        lines.extend(f"cannot use address: {line}" for line in chase_round.bad_addresses)
        if self.dry_run:
            to_go = [o for o in chase_round.to_chase if o.email and o.key not in self.skipped_today]
            lines.append("dry run, nothing sent; would send to: "
                         + (", ".join(f"{o.owner} <{o.email}>" for o in to_go) or "nobody"))
        elif self.sent or self.refused:
            lines.append(f"sent {len(self.sent)} messages")
        lines.extend(f"not sent: {line}" for line in self.refused)
        if self.skipped_today:
            lines.append(f"already chased today, not sent again (use --again): {', '.join(self.skipped_today)}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        chase_round = self.round

        def item(i: ChaseItem) -> dict[str, object]:
            return {"action": i.action, "recommendation": i.recommendation, "status": i.status,
                    "last_update": i.last_update.isoformat() if i.last_update else None,
                    "deadline": i.deadline.isoformat() if i.deadline else None, "reasons": list(i.reasons),
                    "todo": list(i.todo)}

        return {
            "force": chase_round.force, "as_of": chase_round.as_of.isoformat(),
            "reply_by": chase_round.reply_by.isoformat(), "baseline": chase_round.baseline,
            "owners": [{"owner": o.owner, "email": o.email, "rows": o.rows,
                        "updated_since_return": o.updated_since_return, "items": [item(i) for i in o.items]}
                       for o in chase_round.owners],
            "unassigned": [item(i) for i in chase_round.unassigned],
            "without_address": list(chase_round.without_address), "bad_addresses": list(chase_round.bad_addresses),
            "written": [str(p) for p in self.written], "sent": list(self.sent), "refused": list(self.refused),
            "skipped_today": list(self.skipped_today), "dry_run": self.dry_run,
        }


def chase(plan_path: str | Path, *, output: str | Path | None = None, as_of: date | None = None,
          due_within: int = DEFAULT_DUE_WITHIN, stale_after: int = DEFAULT_STALE_AFTER, reply_by: date | None = None,
          owners_file: str | Path | None = None, attach_returns: str | Path | None = None,
          store: str | Path | None = None, since: str | None = None, sender: str | None = None,
          smtp: SmtpTarget | None = None, dry_run: bool = False, again: bool = False,
          overwrite: bool = False) -> ChaseResult:
    """Chase the owners of `plan_path`: write one `.eml` draft per owner with something to update and a summary
    for the lead into `output`; with `smtp`, also send them (never twice to one owner on one day unless
    `again`). The workbook is only read."""
    from sheetsync import mail
    from sheetsync.reader import read_plan
    from sheetsync.validation import validate

    if due_within < 0 or stale_after < 0:
        raise ConfigError("--due-within and --stale-after take a number of days, 0 or more")
    path = Path(plan_path)
    plan = read_plan(path)
    day = as_of or date.today()
    report = validate(plan, as_of=day)
    baseline, label = _baseline(path, store, since)
    book = addresses_from_csv(Path(owners_file)) if owners_file else addresses_from_workbook(path)
    settings = ChaseSettings(as_of=day, due_within=due_within, stale_after=stale_after, reply_by=reply_by,
                             baseline=baseline, baseline_label=label, addresses=book.addresses if book else {})
    chase_round = chase_plan(plan, report, settings)
    if book is not None and book.problems:
        chase_round = replace(chase_round, bad_addresses=book.problems)
    returns = Path(attach_returns) if attach_returns else None
    drafts = mail.drafts(chase_round, sender=sender or mail.DEFAULT_SENDER,
                         attachments=(lambda owner: _return_for(owner, returns)) if returns else None)
    written: list[Path] = []
    if output is not None:
        folder = Path(output)
        taken: set[str] = set()
        for draft in drafts:
            name = file_name(draft.owner.owner, taken=taken, suffix=".eml")
            written.append(mail.write_draft(draft, folder, name, overwrite=overwrite))
        written.append(write_text_atomic(folder / "chase-summary.txt", mail.summary_text(chase_round),
                                         overwrite=overwrite))
        written.append(write_text_atomic(folder / "chase-summary.html", mail.summary_html(chase_round),
                                         overwrite=overwrite))
    if smtp is None:
        return ChaseResult(chase_round, tuple(written), dry_run=dry_run)
    log = ChaseLog(path, store, force=plan.force)
    already = set() if again else log.chased_on(day)
    to_send = [d for d in drafts if d.owner.key not in already]
    skipped = tuple(d.owner.owner for d in drafts if d.owner.key in already)
    if dry_run:
        return ChaseResult(chase_round, tuple(written), skipped_today=skipped, dry_run=True)
    outcome = mail.send_drafts(to_send, smtp.settings())
    log.record(day, outcome.sent)
    names = {d.owner.key: d.owner.owner for d in drafts}
    return ChaseResult(chase_round, tuple(written), sent=tuple(names[k] for k in outcome.sent),
                       refused=outcome.refused, skipped_today=skipped)


@dataclass(frozen=True, slots=True)
class SmtpTarget:
    """Where `--send` sends: HOST:PORT, STARTTLS or not, and the login user (the password comes from the
    SHEETSYNC_SMTP_PASSWORD environment variable, never from a file or the command line)."""

    host: str
    port: int
    starttls: bool = False
    user: str | None = None

    def settings(self) -> SmtpSettings:
        from sheetsync.mail import SmtpSettings

        return SmtpSettings(self.host, self.port, starttls=self.starttls, user=self.user,
                            password=os.environ.get(PASSWORD_ENV))


class ChaseLog:
    """Which owners were sent their chase on which day, for one plan. Kept in the snapshot store itself (the file
    store or the team database), so a team chasing from several PCs never sends an owner the same chase twice in
    a day."""

    def __init__(self, plan_path: Path, store: str | Path | None, *, force: str | None) -> None:
        from sheetsync.store.ledger import plan_key

        self.plan_path = plan_path
        self.store = store
        self.plan_key = plan_key(plan_path, force)

    def chased_on(self, day: date) -> set[str]:
        """The owner keys sent a chase for this plan on `day`."""
        from sheetsync.snapshots import store_address
        from sheetsync.store.repository import open_repository

        address = store_address(self.plan_path, self.store)
        if not isinstance(address, str | Path):
            return address.chased(self.plan_key, day.isoformat())
        if isinstance(address, Path) and not address.exists():
            return set()
        with open_repository(address, mode="read") as repository:
            return repository.chased(self.plan_key, day.isoformat())

    def record(self, day: date, owner_keys: Iterable[str]) -> None:
        """Record one chase per owner sent, durably, before returning."""
        from sheetsync.snapshots import store_address
        from sheetsync.store.repository import ChaseRecord, open_repository

        keys = list(owner_keys)
        if not keys:
            return
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        records = [ChaseRecord(self.plan_key, key, day.isoformat(), stamp, _user()) for key in keys]
        address = store_address(self.plan_path, self.store)
        try:
            if not isinstance(address, str | Path):
                with address.append() as appender:
                    appender.add_chases(records)
                return
            with open_repository(address, mode="write") as repository, repository.append() as appender:
                appender.add_chases(records)
        except SheetsyncError as exc:
            raise StoreError(f"the messages were sent but could not be recorded ({exc})",
                             hint="Do not send again today without checking who received them") from exc


def _user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return "unknown"


_RETURN_WORDS = re.compile(r"\breturns?\b|\bNPCC\b|progress update", re.IGNORECASE)


def _baseline(path: Path, store: str | Path | None, since: str | None) -> tuple[Plan | None, str | None]:
    """The plan at the last return: snapshot `since`, else the newest snapshot whose message names a return
    ("March return", "progress update to the NPCC")."""
    from sheetsync.snapshots import history, load_plan

    entries = history(path, store=store)
    if since is not None:
        return load_plan(path, since, store=store), f"snapshot {since}"
    for entry in entries:
        if _RETURN_WORDS.search(entry.message or ""):
            return load_plan(path, entry.id, store=store), f"snapshot {entry.id} ({entry.message})"
    return None, None


def _return_for(owner: OwnerChase, folder: Path | None) -> Path | None:
    """The owner's return workbook from `sheetsync split` in `folder`, found by the stamp inside it (the newest
    round's, when the folder holds several), if there is one."""
    from sheetsync.round.stamp import read_stamp

    if folder is None:
        return None
    if not folder.is_dir():
        raise ConfigError("is not a folder of returns", path=folder,
                          hint="Name the folder 'sheetsync split' wrote the returns into")
    found: list[tuple[int, Path]] = []
    for candidate in sorted(folder.glob("*.xls[xm]")):
        try:
            stamp = read_stamp(candidate.read_bytes())
        except (OSError, SheetsyncError):
            continue
        if stamp is not None and stamp.owner_key == owner.key:
            found.append((stamp.base_snapshot, candidate))
    return max(found)[1] if found else None


__all__ = [
    "AddressBook",
    "ChaseItem",
    "ChaseResult",
    "ChaseRound",
    "ChaseSettings",
    "OwnerChase",
    "SmtpTarget",
    "addresses_from_csv",
    "addresses_from_rows",
    "addresses_from_workbook",
    "chase",
    "chase_plan",
    "check_address",
    "long_date",
]
