"""Stateless command line: a dossier JSON file in, the footprint result JSON out.

    python -m footprint.cli dossier.json [--factor-set ID] [--factor-version V]
                                         [--monte-carlo N] [--seed S] [-o result.json]

Exit codes: 0 done; 2 bad arguments; 3 file unreadable or not JSON; 4 dossier invalid
(schema or a named footprint error); 5 factor or factor-set problem. Errors go to stderr as one
JSON object with English and Chinese messages; nothing is written to ``-o`` on failure.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from pydantic import ValidationError

from footprint.calculate import calculate
from footprint.errors import FactorError, FootprintError
from footprint.factors import load_factor_set
from footprint.model import Dossier

EXIT_OK, EXIT_USAGE, EXIT_READ, EXIT_INVALID, EXIT_FACTOR = 0, 2, 3, 4, 5


def _fail(code: int, payload: dict[str, object]) -> int:
    print(json.dumps(payload, ensure_ascii=False, indent=1), file=sys.stderr)
    return code


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="footprint", description="Calculate a product carbon footprint.")
    p.add_argument("dossier", type=Path, help="dossier JSON file")
    p.add_argument("--factor-set", default=None, help="factor set id (default: tanpass-cn)")
    p.add_argument("--factor-version", default=None, help="factor set version (default: newest)")
    p.add_argument("--monte-carlo", type=int, default=0, metavar="N", help="Monte Carlo draws")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("-o", "--output", type=Path, default=None, help="write the result here")
    args = p.parse_args(argv)

    try:
        raw = json.loads(args.dossier.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return _fail(EXIT_READ, {"error": type(exc).__name__, "path": str(args.dossier),
                                 "message_en": f"cannot read dossier: {exc}",
                                 "message_zh": f"无法读取数据包文件：{exc}"})
    try:
        fs = load_factor_set(args.factor_set, args.factor_version)
        dossier = Dossier.model_validate(raw)
        result = calculate(dossier, fs, monte_carlo_draws=args.monte_carlo, seed=args.seed)
    except ValidationError as exc:
        problems = [{"path": "/".join(str(x) for x in e["loc"]), "type": e["type"],
                     "message_en": e["msg"]} for e in exc.errors(include_url=False)]
        return _fail(EXIT_INVALID, {"error": "ValidationError", "problems": problems,
                                    "message_en": f"dossier does not match the schema "
                                                  f"({len(problems)} problem(s))",
                                    "message_zh": f"数据包格式不符（{len(problems)} 处问题）"})
    except FactorError as exc:
        return _fail(EXIT_FACTOR, exc.to_dict())
    except FootprintError as exc:
        return _fail(EXIT_INVALID, exc.to_dict())
    text = result.model_dump_json(indent=1)
    if args.output is None:
        sys.stdout.write(text + "\n")
    else:
        _write_atomic(args.output, text + "\n")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
