"""Every text the search page shows (Vietnamese) and its styles, in one place."""
from __future__ import annotations

EXAMPLES = ("nhà ở xã hội", "tỷ lệ tham gia bảo hiểm y tế", "nha o xa hoi",
            "Nghị quyết 42-NQ/TW", "support for workers going abroad")
HINT = ("Nhập từ khóa, câu hỏi hoặc số hiệu văn bản (có dấu, không dấu hoặc tiếng Anh) "
        "rồi nhấn Enter, hoặc chọn một ví dụ ở trên.")
WEAK = "Không tìm thấy đoạn khớp rõ; đây là các đoạn gần nhất."
SEARCH_FAILED = "Xin lỗi, đã có lỗi khi tìm kiếm. Hãy thử lại hoặc diễn đạt câu hỏi theo cách khác."
PAGE_FAILED = "Xin lỗi, trang gặp lỗi. Hãy tải lại trang."
NO_PASSAGE = "Không có đoạn liên quan"
FIGURES_HINT = ("Nhập chỉ tiêu cần so sánh (ví dụ: tỷ lệ tham gia bảo hiểm y tế đến năm 2030) rồi nhấn Enter; "
                "bảng liệt kê số liệu của từng văn bản.")
NO_FIGURES = "Không văn bản nào có số liệu cho nội dung này."
SIMILAR_HINT = "Dán một đoạn văn (bản thảo) rồi nhấn nút để tìm câu chữ tương tự trong các văn bản."
SIMILAR_LABEL = "Đoạn văn cần so sánh"
SIMILAR_BUTTON = "Tìm câu chữ tương tự"
NO_SIMILAR = "Không có đoạn tương tự"
SIMILAR_SHORT = ("Đoạn văn quá ngắn để so sánh câu chữ (cần ít nhất 8 từ). Để tìm theo từ khóa, "
                 "hãy dùng chế độ “Tìm kiếm”.")
COPY_LABEL = "Sao chép đoạn + trích dẫn"
COPY_CITATION_LABEL = "Sao chép trích dẫn"
CONTEXT_LABEL = "Xem các đoạn cùng mục"
COPIED = "Đã sao chép"
DOCUMENT_LABEL = "Xem toàn văn"
DOCUMENT_TITLE = "Toàn văn"
BEFORE_LABEL = "Các phần phía trước"
OTHERS = "Các đoạn gần nhất dưới đây không khớp rõ với nội dung cần tìm."
FIGURES_CSV_NAME = "so-lieu.csv"
CHART_DOCUMENT = "Văn bản"
CHART_VALUE = "Số liệu"
FILTER_TYPE = "Loại văn bản"
NOTHING_ANSWERS = ("Không văn bản nào có đoạn khớp với nội dung cần tìm. Các đoạn gần nhất (không khớp rõ) "
                   "ở thẻ “Xếp hạng chung”.")
FACETS_LABEL = "Loại văn bản (có đoạn liên quan/tổng số)"
SIDE_BY_SIDE_LABEL = "Văn bản đặt cạnh nhau ({count} văn bản khớp, khớp nhất trước)"
SIDE_BY_SIDE_HINT = "Chọn văn bản để so sánh"
OTHER_DOCUMENTS = "{count} văn bản khác cũng khớp (nhấn vào từng dòng để xem đoạn khớp nhất):"
FILTER_DOCUMENT = "Văn bản"
REF_OPEN_DOCUMENT = "Mở toàn văn tại điều này"
REF_EXTERNAL = "Văn bản ngoài kho: {key}"
REF_SEARCH = "Tìm “{query}” trong kho"
CITES_LABEL = "Văn bản này dẫn chiếu ({n})"
CITED_BY_LABEL = "Được dẫn chiếu bởi ({n})"
NO_LINKS = "Không có"
IMPLEMENTING = "{n} {noun} thực hiện {higher} {number}"
GROUP_BY_HIGHER = "Nhóm theo văn bản cấp trên"
REF_TIMES = "{n} lần"
REF_PASSAGES = "{n} đoạn"

INDEX_PROBLEM = ("Chỉ mục tìm kiếm bị thiếu, hỏng hoặc không khớp. Hãy chạy lệnh dưới đây "
                 "trong thư mục dự án rồi tải lại trang.")
INDEX_FAILED = ("Không mở được chỉ mục tìm kiếm. Hãy tải lại trang; nếu vẫn lỗi, "
                "chạy lệnh `python -m indexer --rebuild` trong thư mục dự án.")
BUILDING = "Đang xây dựng chỉ mục tìm kiếm (chỉ lần đầu, {estimate})"
QUERY_LABEL = "Nội dung cần tìm"
BUILD_WAIT = "Ô tìm kiếm sẽ dùng được khi chỉ mục xây dựng xong"
LOADING = "Đang tải mô hình và chỉ mục…"
DROPPED_FILTERS = ("Liên kết có bộ lọc không còn trong chỉ mục ({values}); bộ lọc đó đã được bỏ qua, "
                   "kết quả dưới đây không bị giới hạn theo nó.")
UPDATING = "Kho văn bản vừa thay đổi: chỉ mục đang được cập nhật ở nền; kết quả hiện dùng chỉ mục trước đó."
STALE_INDEX = ("Không cập nhật được chỉ mục ({reason}). Kết quả vẫn dùng chỉ mục tốt gần nhất, "
               "chưa có các thay đổi mới của kho văn bản. Để cập nhật, chạy lệnh dưới đây:")

CRUMB_STYLE = "color:#555;font-size:0.85rem;margin-bottom:0.2rem"
TEXT_STYLE = "line-height:1.55;margin-bottom:0.4rem"
GRID_TEXT_STYLE = TEXT_STYLE + ";max-height:11rem;overflow-y:auto"   # a narrow column scrolls, rows stay short
CONTEXT_STYLE = "line-height:1.5;margin:0.3rem 0;padding-left:0.6rem;border-left:3px solid #ddd"
CURRENT_STYLE = "line-height:1.5;margin:0.3rem 0;padding-left:0.6rem;border-left:3px solid #f0b400"
TITLE_STYLE = "font-size:1.1rem;font-weight:600"
# Streamlit's own "Press Enter to submit form" is English; the hint above says it in Vietnamese.
# ins/del: the word diff of the similar-wording mode (diff_html escapes all text it wraps).
PAGE_CSS = ("<style>[data-testid='InputInstructions']{display:none}"
            "ins{background:#d3f5d3;text-decoration:none;padding:0 2px}"
            "del{background:#fbd3d3;padding:0 2px}"
            ".copy-btn{border:1px solid #ccc;border-radius:0.4rem;background:#fff;padding:0.25rem 0.7rem;"
            "cursor:pointer;font-size:0.85rem}.copy-btn:hover{border-color:#f0b400}"
            ".copy-btn+.copy-btn{margin-left:0.4rem}"
            # the code blocks' own copy button says "Copy to clipboard": the .copy-btn buttons replace it
            "[data-testid='stCode'] [data-testid='stBaseButton-elementToolbar']{display:none}"
            # Streamlit's own "Running… Stop" corner is English; the page shows its own progress
            "[data-testid='stStatusWidget']{visibility:hidden}"
            # a reference in a passage: a link that opens what it cites in place
            "details.ref{display:inline-block;vertical-align:top}details.ref[open]{display:block}details.ref>summary{display:inline;cursor:pointer;color:#0b57d0;"
            "text-decoration:underline dotted}details.ref>summary::-webkit-details-marker{display:none}"
            "details.ref[open]>.ref-body{display:block;margin:0.3rem 0 0.5rem;padding:0.4rem 0.6rem;"
            "border-left:3px solid #0b57d0;background:#f5f8ff;font-size:0.92rem}"
            ".ref-cite{display:block;font-weight:600;margin-bottom:0.2rem}.ref-text{display:block;margin-bottom:0.2rem}"
            # the documents side by side: a column never narrower than 280 px, a row wraps instead
            ".st-key-compare [data-testid='stHorizontalBlock']{flex-wrap:wrap}"
            ".st-key-compare [data-testid='stColumn']{min-width:280px}"
            # a shorter head, so that the documents' best passages start on the first screen
            "[data-testid='stMainBlockContainer']{padding-top:1.5rem}"
            "[data-testid='stMain'] h1{font-size:2rem;padding-bottom:0.5rem}</style>")
# One click on a .copy-btn copies its data-copy text (the page's only script; no data in it).
# A grid cell that scrolls (GRID_TEXT_STYLE, as the browser writes it back) opens at its first
# highlighted word.
COPY_SCRIPT = ("<script>if(!window.pageCopy){window.pageCopy=true;document.addEventListener('click',e=>{"
               "const b=e.target.closest('.copy-btn');if(!b)return;const label=b.textContent;"
               "navigator.clipboard.writeText(b.dataset.copy).then(()=>{b.textContent='" + COPIED + "';"
               "setTimeout(()=>{b.textContent=label},1500)})},true);"
               "const toMark=()=>document.querySelectorAll('div[style*=\"max-height: 11rem\"]').forEach(c=>{"
               "if(c.dataset.at===c.innerHTML)return;c.dataset.at=c.innerHTML;c.scrollTop=0;"
               "const m=c.querySelector('mark');if(m)c.scrollTop+=m.getBoundingClientRect().top-c.getBoundingClientRect().top-24});"
               # the document view opens at the passage it was opened from
               "const toHit=()=>document.querySelectorAll('[role=dialog] div[style*=\"240, 180, 0\"]').forEach(d=>{"
               "if(d.dataset.shown)return;d.dataset.shown='1';d.scrollIntoView({block:'center'})});"
               # a font that arrives late moves the text: place every cell again
               "document.fonts.addEventListener('loadingdone',()=>{document.querySelectorAll('[data-at]')"
               ".forEach(c=>{delete c.dataset.at});toMark()});"
               "new MutationObserver(()=>setTimeout(()=>{toMark();toHit()},50)).observe(document.body,{childList:true,subtree:true})}"
               "</script>")
DIFF_LEGEND = ("Bên trái: bản thảo, <del>chỉ có trong bản thảo</del> · bên phải: văn bản, "
               "<ins>chỉ có trong văn bản</ins> · chữ thường: giống nhau")

# -- "Thêm văn bản" (issue #18): the upload section, on only when the operator sets a password ---
UPLOAD_TITLE = "Thêm văn bản"
UPLOAD_PASSWORD = "Mật khẩu thêm văn bản"
UPLOAD_LOGIN = "Xác nhận"
UPLOAD_WRONG_PASSWORD = "Mật khẩu không đúng."
UPLOAD_WAIT = "Đã nhập sai mật khẩu; hãy thử lại sau {seconds} giây."
UPLOAD_LABEL = "Chọn tệp .docx, .pdf, .txt hoặc .html (tối đa {count} tệp, mỗi tệp {mb} MB)"
UPLOAD_READING = "Đang đọc và kiểm tra tệp…"
UPLOAD_ADD = "Thêm vào kho văn bản"
UPLOAD_REFUSED = {"too_large": "Tệp quá lớn ({detail}; tối đa {mb} MB).",
                  "empty": "Tệp rỗng, không có nội dung.",
                  "unreadable": "Không đọc được nội dung tệp (không phải .docx, .pdf, .txt hay .html hợp lệ).",
                  "duplicate": "Văn bản này đã có trong kho ({detail}).",
                  "no_passages": "Tệp không có đoạn văn nào để tìm kiếm.",
                  "too_many": "Chỉ thêm được tối đa {count} tệp mỗi lần."}
UPLOAD_FIELDS = {"doc_type": "Loại văn bản", "number": "Số hiệu", "issuer": "Cơ quan ban hành",
                 "date": "Ngày ban hành (YYYY-MM-DD)", "year": "Năm", "province": "Tỉnh/thành",
                 "level": "Cấp", "title": "Trích yếu"}
UPLOAD_FOUND = "Loại tệp: {kind} · {passages} đoạn · {sections} mục · {articles} điều"
UPLOAD_BAD_FIELD = "Giá trị không hợp lệ ở ô “{field}”."
UPLOAD_SAVED = "Đã thêm {count} văn bản; chỉ mục đang được cập nhật, các tìm kiếm vẫn dùng chỉ mục hiện có."
UPLOAD_UPDATING = "Đang cập nhật chỉ mục"
UPLOAD_DONE = "Chỉ mục đã cập nhật: văn bản mới đã tìm kiếm được."
UPLOAD_FAILED = "Cập nhật chỉ mục không thành công; hãy thử lại hoặc báo quản trị viên."
UPLOAD_ADDED_LIST = "Văn bản đã thêm qua trang này"
UPLOAD_REMOVE = "Xóa"
UPLOAD_SAVE_FIELDS = "Lưu thông tin"
UPLOAD_REMOVED = "Đã xóa {name}."
UPLOAD_FIELDS_SAVED = "Đã lưu thông tin của {name}; chỉ mục đang được cập nhật."
