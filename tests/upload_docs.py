"""Documents written at test time for the upload tests (issue #18): a provincial plan as .docx and
a decree as .pdf (DejaVu font, so the PDF has a Vietnamese text layer), each with a phrase no
corpus plan has, so a search hit proves the new document was indexed."""
from __future__ import annotations

from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
DOCX_PHRASE = "trạm sạc xe điện cho hợp tác xã nông nghiệp"
PDF_PHRASE = "vườn ươm khởi nghiệp sáng tạo ven biển"

PLAN_LINES = ["ỦY BAN NHÂN DÂN", "TỈNH QUẢNG TRỊ", "Số: 215/KH-UBND",
              "Quảng Trị, ngày 12 tháng 6 năm 2025", "KẾ HOẠCH",
              "Phát triển hạ tầng năng lượng xanh ở nông thôn",
              "I. MỤC ĐÍCH, YÊU CẦU",
              "1. Mục đích",
              f"Xây dựng 120 {DOCX_PHRASE} trên địa bàn tỉnh đến năm 2030.",
              "II. NHIỆM VỤ, GIẢI PHÁP",
              "1. Sở Công Thương chủ trì lập quy hoạch mạng lưới trạm sạc, hoàn thành trong quý IV năm 2025.",
              "2. Ủy ban nhân dân các huyện bố trí mặt bằng và hỗ trợ thủ tục đầu tư cho hợp tác xã."]
DECREE_LINES = ["ỦY BAN NHÂN DÂN", "TỈNH BÌNH ĐỊNH", "Số: 77/KH-UBND",
                "Bình Định, ngày 3 tháng 2 năm 2025", "KẾ HOẠCH",
                "Hỗ trợ khởi nghiệp đổi mới sáng tạo",
                "I. MỤC TIÊU",
                f"1. Thành lập 5 {PDF_PHRASE} và hỗ trợ 200 dự án khởi nghiệp.",
                "II. NHIỆM VỤ",
                "1. Sở Khoa học và Công nghệ hướng dẫn thủ tục, bố trí kinh phí hằng năm."]


def make_plan_docx(path: Path, lines=PLAN_LINES) -> Path:
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


def make_plan_pdf(path: Path, lines=DECREE_LINES) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=11)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path
