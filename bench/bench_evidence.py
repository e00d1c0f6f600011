"""Extraction speed: pages per second of evidence.extract_pdf beside poppler's pdftotext on the
same generated files, measured in the same run. ``python -m bench.bench_evidence``."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from evidence import extract_pdf, samples

PAGES = 20


def _files() -> list[tuple[str, bytes, int]]:
    return [
        ("bills_zh", samples.many_page_bills(PAGES, "zh"), PAGES),
        ("bills_en", samples.many_page_bills(PAGES, "en"), PAGES),
        ("bill_zh", samples.electricity_bill("zh").data, 2),
        ("declaration_en", samples.supplier_declaration("en").data, 2),
    ]


def _best(fn: object, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def run() -> dict[str, object]:
    pdftotext = shutil.which("pdftotext")
    rows: dict[str, object] = {}
    total_pages = 0
    ours_s = poppler_s = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, data, pages in _files():
            path = Path(tmp) / f"{name}.pdf"
            path.write_bytes(data)
            ours = _best(lambda d=data: extract_pdf(d, document_type="electricity_bill"))
            theirs = None
            if pdftotext:
                theirs = _best(lambda p=path: subprocess.run(
                    [pdftotext, "-layout", str(p), "-"], check=True, capture_output=True))
            rows[name] = {
                "pages": pages,
                "tanpass_pages_per_s": round(pages / ours, 1),
                "pdftotext_pages_per_s": round(pages / theirs, 1) if theirs else None,
                "ratio_pdftotext_over_tanpass": round(ours / theirs, 2) if theirs else None,
            }
            total_pages += pages
            ours_s += ours
            poppler_s += theirs or 0.0
    return {
        "benchmark": "evidence.extract_pdf vs pdftotext -layout (best of 3, same files, same run)",
        "files": rows,
        "total_pages": total_pages,
        "tanpass_pages_per_s": round(total_pages / ours_s, 1),
        "pdftotext_pages_per_s": round(total_pages / poppler_s, 1) if poppler_s else None,
        "note": "pdftotext only dumps text (and includes process start-up); extract_pdf also "
                "builds character boxes, finds fields and keeps provenance.",
    }


def main() -> None:
    import json

    print(json.dumps(run(), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
