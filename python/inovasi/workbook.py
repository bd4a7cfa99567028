"""`inovasi workbook`: one region's .xlsx workbook with the engine's numbers, or the empty template
(docs/spreadsheets.md). The command's parser only: openpyxl and the spreadsheet module are
imported when it runs, not when the CLI registers it."""

from __future__ import annotations


def add_parser(sub) -> None:
    from .cli import integer, nonempty

    p = sub.add_parser("workbook", help="write a region's .xlsx workbook: its submission with the validated levels, "
                       "score, explanation and plan (or the empty template)",
                       description="A region's planners' workbook (docs/spreadsheets.md): the submission, the "
                       "level the engine validated beside each claimed one, and the Score, Explanation and (with "
                       "--target) Plan sheets, every number computed by the engine. With --template: the empty "
                       "workbook for the edition.")
    p.add_argument("file", nargs="?", metavar="FILE", help="one region's submission (JSON, .xlsx or CSV)")
    p.add_argument("--out", required=True, type=nonempty, help="the .xlsx to write (atomically)")
    p.add_argument("--template", action="store_true", help="write the empty template instead (no FILE)")
    p.add_argument("--edition", type=nonempty, help="edition name or file (the template's; default iid-2026)")
    p.add_argument("--policy", default="self_assessed", choices=["self_assessed", "supported", "strict", "assessor"])
    p.add_argument("--target", type=nonempty, help="add a Plan sheet: the cheapest path to this IID or category")
    p.add_argument("--max-new", type=integer(0, 100000, "a whole number from 0 to 100000"), default=0,
                   help="with --target: new innovations the plan may add (default 0)")
    p.set_defaults(func=run)


def run(args) -> int:
    from .cli import UsageError
    from .spreadsheet import export, make_template

    if args.template:
        if args.file is not None:
            raise UsageError("workbook --template takes no FILE")
        make_template(args.out, edition=args.edition or "iid-2026")
        return 0
    if args.file is None:
        raise UsageError("workbook: give FILE (or --template)")
    export(args.file, args.out, policy=args.policy, edition=args.edition, target=args.target, max_new=args.max_new)
    return 0
