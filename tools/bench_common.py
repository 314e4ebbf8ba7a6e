"""What the bench modes share: the benchmark's queries, its targets, and how a figure is printed."""
from __future__ import annotations

import os
import platform
import resource
import time
from pathlib import Path

import numpy as np

# Realistic queries written for the benchmark (not the evaluation set): topics, indicators,
# wording without diacritics, English, document numbers.
QUERIES = (
    "nhà ở xã hội",
    "phát triển nhà ở xã hội cho công nhân khu công nghiệp",
    "tỷ lệ hộ nghèo đa chiều giảm bao nhiêu mỗi năm",
    "chuyển đổi số trong cơ quan nhà nước",
    "kinh phí thực hiện kế hoạch từ ngân sách địa phương",
    "trách nhiệm của Sở Xây dựng",
    "đào tạo nghề cho lao động nông thôn",
    "bảo hiểm y tế toàn dân",
    "xây dựng nông thôn mới nâng cao",
    "chế độ báo cáo định kỳ 6 tháng",
    "ứng dụng công nghệ thông tin trong quản lý đất đai",
    "hỗ trợ doanh nghiệp nhỏ và vừa tiếp cận vốn",
    "cải cách thủ tục hành chính một cửa liên thông",
    "mục tiêu đến năm 2025",
    "phòng chống thiên tai và biến đổi khí hậu",
    "nha o xa hoi cho nguoi thu nhap thap",
    "ty le lao dong qua dao tao",
    "kinh phi thuc hien",
    "chuyen doi so",
    "trach nhiem uy ban nhan dan cap huyen",
    "social housing for low-income workers",
    "digital transformation of public services",
    "budget for implementing the plan",
    "poverty reduction targets",
    "vocational training for rural workers",
    "Nghị quyết số 42-NQ/TW",
    "Quyết định 338/QĐ-TTg",
    "Nghị định 100/2024/NĐ-CP",
    "Luật Nhà ở năm 2023",
    "Kế hoạch số 123/KH-UBND",
)
COLD_QUERY = "nhà ở xã hội"

TARGETS = {
    "query_p50_ratio": 1.3, "query_p95_ratio": 2.0, "build_ratio": 1.2,
    "rebuild_s": 2.0, "cold_start_s": 3.0,
    "quality_latency_ratio": 1.5,
    "search_rss_mb": 450,
    "scale_ram_gb": 3.0, "scale_p95_ms": 150.0, "scale_recall": 0.95,
}


def line(name: str, value, unit: str = "", target: str | None = None, ok: bool | None = None) -> str:
    text = f"{name}: {value}{(' ' + unit) if unit else ''}"
    if target is not None:
        text += f" (target: {target}, {'ok' if ok else 'MISSING'})"
    print(text, flush=True)
    return text


def pct(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def current_rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for row in f:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def machine_header(mode: str) -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    line("bench", f"{mode} mode, {time.strftime('%Y-%m-%d %H:%M:%S')}")
    line("machine", f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    line("load average at start", " ".join(f"{x:.2f}" for x in load),
         "(other processes share the cores; high load inflates every time below)")


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6
