"""Chasing owners: who needs to update what, by when, as email drafts (and, with --send, the emails)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sheetsync.cli.app import cli, option
from sheetsync.cli.options import (
    COUNT,
    INPUT_FILE,
    OUTPUT_FOLDER,
    DateOption,
    as_of_option,
    echo,
    plan_argument,
    store_option,
)


@cli.command()
@plan_argument
@option("-o", "--output", type=OUTPUT_FOLDER, required=True,
        help="Folder for the drafts (.eml, one per owner) and the lead's summary.")
@as_of_option
@option("--due-within", type=COUNT, default=28, show_default=True, metavar="DAYS",
        help="Chase requirements whose deadline falls within this many days.")
@option("--stale-after", type=COUNT, default=60, show_default=True, metavar="DAYS",
        help="An update older than this is stale.")
@option("--reply-by", type=DateOption("--reply-by"),
        help="The date owners are asked to update by (default: a week after the as-of date).")
@option("--owners", dest="owners_file", type=INPUT_FILE, default=None,
        help="CSV of owners' addresses (columns Owner, Email); default: the Owners table on the "
             "workbook's Lists or Settings sheet.")
@option("--attach-returns", type=OUTPUT_FOLDER, default=None, metavar="DIR",
        help="Attach each owner's return workbook from 'sheetsync split'.")
@option("--since", metavar="SNAPSHOT", default=None,
        help="The last return to compare with (default: the newest snapshot whose message names a return).")
@store_option
@option("--from", dest="sender", metavar="ADDRESS", default=None, help="The From address of the messages.")
@option("--send", is_flag=True, help="Send the messages through --smtp as well as writing the drafts.")
@option("--smtp", metavar="HOST:PORT", default=None, help="The mail server to send through.")
@option("--starttls", is_flag=True, help="Switch to TLS with STARTTLS before logging in.")
@option("--user", metavar="NAME", default=None,
        help="Log in as NAME (password from the SHEETSYNC_SMTP_PASSWORD environment variable).")
@option("--dry-run", is_flag=True, help="With --send: say who would be sent what; send nothing.")
@option("--again", is_flag=True, help="Send even to owners already chased today.")
@option("--json", dest="as_json", is_flag=True, help="Print what was done as JSON.")
@option("--overwrite", is_flag=True, help="Replace drafts already in the folder.")
def chase(plan: Path, output: Path, as_of: date | None, due_within: int, stale_after: int, reply_by: date | None,
          owners_file: Path | None, attach_returns: Path | None, since: str | None, store: Path | str | None,
          sender: str | None, send: bool, smtp: str | None, starttls: bool, user: str | None, dry_run: bool,
          again: bool, as_json: bool, overwrite: bool) -> int:
    """Chase owners: one email draft per owner with their overdue, due and stale items; a summary for the lead.

    Exit 0 when every owner with items can be reached, 1 when some have no (usable) address or a message was
    refused, 2 when nothing could be done.
    """
    from sheetsync.chasing import SmtpTarget
    from sheetsync.chasing import chase as run_chase
    from sheetsync.errors import ConfigError
    from sheetsync.mail import parse_smtp

    target = None
    if send:
        if smtp is None:
            raise ConfigError("--send needs --smtp HOST:PORT",
                              hint="Name the mail server, e.g. --smtp mail.force.police.uk:587")
        host, port = parse_smtp(smtp)
        target = SmtpTarget(host, port, starttls=starttls, user=user)
    elif dry_run or again:
        raise ConfigError("--dry-run and --again go with --send")
    result = run_chase(plan, output=output, as_of=as_of, due_within=due_within, stale_after=stale_after,
                       reply_by=reply_by, owners_file=owners_file, attach_returns=attach_returns, store=store,
                       since=since, sender=sender, smtp=target, dry_run=dry_run, again=again, overwrite=overwrite)
    echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False) if as_json else result.describe())
    return 1 if result.problems else 0
