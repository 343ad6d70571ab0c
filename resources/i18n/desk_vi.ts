<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="vi_VN">
<context>
    <name>AccountsDialog</name>
    <message>
        <source>Accounts</source>
        <translation>Tài khoản</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Tên đăng nhập</translation>
    </message>
    <message>
        <source>Full name</source>
        <translation>Họ và tên</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Vai trò</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Đang dùng</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Full name:</source>
        <translation>Họ và tên:</translation>
    </message>
    <message>
        <source>Role:</source>
        <translation>Vai trò:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>Add the account</source>
        <translation>Thêm tài khoản</translation>
    </message>
    <message>
        <source>New account</source>
        <translation>Tài khoản mới</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>có</translation>
    </message>
    <message>
        <source>no</source>
        <translation>không</translation>
    </message>
</context>
<context>
    <name>Admin</name>
    <message>
        <source>The data checked out: no problem found.</source>
        <translation>Đã kiểm tra dữ liệu: không có lỗi.</translation>
    </message>
    <message>
        <source>Problems found in: %1. Call IT support.</source>
        <translation>Có lỗi ở: %1. Hãy báo bộ phận kỹ thuật.</translation>
    </message>
    <message>
        <source>Import the procedure catalog</source>
        <translation>Nhập danh mục thủ tục</translation>
    </message>
    <message>
        <source>Catalog %1 imported: %2 procedures.</source>
        <translation>Đã nhập danh mục %1: %2 thủ tục.</translation>
    </message>
</context>
<context>
    <name>ApplicantPart</name>
    <message>
        <source>2. Applicant (Alt+2)</source>
        <translation>2. Người nộp hồ sơ (Alt+2)</translation>
    </message>
    <message>
        <source>Scan the QR on the ID card (USB reader), or type and press Enter</source>
        <translation>Quét mã QR trên CCCD (đầu đọc USB) rồi Enter</translation>
    </message>
    <message>
        <source>QR from image…</source>
        <translation>Đọc QR từ ảnh…</translation>
    </message>
    <message>
        <source>12 digits</source>
        <translation>12 chữ số</translation>
    </message>
    <message>
        <source>dd/mm/yyyy</source>
        <translation>ngày/tháng/năm</translation>
    </message>
    <message>
        <source>Organisation or authorised person, if any</source>
        <translation>Tổ chức hoặc người được ủy quyền (nếu có)</translation>
    </message>
    <message>
        <source>CCCD QR:</source>
        <translation>Quét QR CCCD:</translation>
    </message>
    <message>
        <source>ID number:</source>
        <translation>Số định danh:</translation>
    </message>
    <message>
        <source>Full name:</source>
        <translation>Họ và tên:</translation>
    </message>
    <message>
        <source>Sex:</source>
        <translation>Giới tính:</translation>
    </message>
    <message>
        <source>Date of birth:</source>
        <translation>Ngày sinh:</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Địa chỉ:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Điện thoại:</translation>
    </message>
    <message>
        <source>Email:</source>
        <translation>Thư điện tử:</translation>
    </message>
    <message>
        <source>On behalf of:</source>
        <translation>Nộp thay cho:</translation>
    </message>
    <message>
        <source>Returning applicant: details filled from the last dossier.</source>
        <translation>Người nộp đã từng nộp hồ sơ: đã điền thông tin từ lần trước.</translation>
    </message>
    <message>
        <source>Photo or scan of the ID card</source>
        <translation>Ảnh chụp hoặc bản scan thẻ CCCD</translation>
    </message>
    <message>
        <source>Images (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)</source>
        <translation>Ảnh (*.png *.jpg *.jpeg *.bmp *.tif *.tiff)</translation>
    </message>
</context>
<context>
    <name>BackupIndicator</name>
    <message>
        <source>backup folder not found (USB stick?)</source>
        <translation>không thấy thư mục sao lưu (chưa cắm USB?)</translation>
    </message>
</context>
<context>
    <name>BookModel</name>
    <message>
        <source>No.</source>
        <translation>Số</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Ngày</translation>
    </message>
    <message>
        <source>Requested by</source>
        <translation>Người yêu cầu</translation>
    </message>
    <message>
        <source>Document</source>
        <translation>Tên giấy tờ</translation>
    </message>
    <message>
        <source>Pages</source>
        <translation>Số trang</translation>
    </message>
    <message>
        <source>Copies</source>
        <translation>Số bản</translation>
    </message>
    <message>
        <source>Fee</source>
        <translation>Lệ phí</translation>
    </message>
    <message>
        <source>Certified by</source>
        <translation>Người chứng thực</translation>
    </message>
</context>
<context>
    <name>CashModel</name>
    <message>
        <source>Clerk</source>
        <translation>Cán bộ</translation>
    </message>
    <message>
        <source>Payments</source>
        <translation>Số khoản thu</translation>
    </message>
    <message>
        <source>Exempt</source>
        <translation>Miễn</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>Tổng tiền</translation>
    </message>
    <message>
        <source>Signed off by</source>
        <translation>Người ký xác nhận</translation>
    </message>
    <message>
        <source>not yet</source>
        <translation>chưa ký</translation>
    </message>
</context>
<context>
    <name>CashView</name>
    <message>
        <source>Takings of the day</source>
        <translation>Tiền thu trong ngày</translation>
    </message>
    <message>
        <source>Day:</source>
        <translation>Ngày:</translation>
    </message>
    <message>
        <source>Sign off the selected clerk's day</source>
        <translation>Ký xác nhận ngày thu của cán bộ đã chọn</translation>
    </message>
    <message>
        <source>Total of the day: %1</source>
        <translation>Tổng thu trong ngày: %1</translation>
    </message>
    <message>
        <source>Signed off.</source>
        <translation>Đã ký xác nhận.</translation>
    </message>
</context>
<context>
    <name>CertBookView</name>
    <message>
        <source>Certification book (copies from originals)</source>
        <translation>Sổ chứng thực bản sao từ bản chính</translation>
    </message>
    <message>
        <source>Print the month's book</source>
        <translation>In sổ tháng</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Month:</source>
        <translation>Tháng:</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Book %1/%2-SCT/BS — month %3/%2</source>
        <translation>Quyển số %1/%2-SCT/BS — tháng %3/%2</translation>
    </message>
    <message>
        <source>Certifications this month: %1</source>
        <translation>Số việc chứng thực trong tháng: %1</translation>
    </message>
    <message>
        <source>fees %1</source>
        <translation>lệ phí %1</translation>
    </message>
    <message>
        <source>Certification book — month %1</source>
        <translation>Sổ chứng thực — tháng %1</translation>
    </message>
</context>
<context>
    <name>CertificatesModel</name>
    <message>
        <source>Holder</source>
        <translation>Người được cấp</translation>
    </message>
    <message>
        <source>Organisation</source>
        <translation>Cơ quan</translation>
    </message>
    <message>
        <source>Issued by</source>
        <translation>Tổ chức cấp</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Hiệu lực đến</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Tình trạng</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Thiết bị ký số</translation>
    </message>
    <message>
        <source>EXPIRED — cannot sign</source>
        <translation>HẾT HẠN — không được ký</translation>
    </message>
    <message>
        <source>Not valid yet</source>
        <translation>Chưa có hiệu lực</translation>
    </message>
    <message>
        <source>PIN locked</source>
        <translation>Mã PIN đã bị khóa</translation>
    </message>
    <message>
        <source>Valid</source>
        <translation>Còn hiệu lực</translation>
    </message>
    <message>
        <source>PIN pad</source>
        <translation>có bàn phím PIN</translation>
    </message>
</context>
<context>
    <name>CertifyDialog</name>
    <message>
        <source>Electronic certified copy from the original</source>
        <translation>Chứng thực bản sao điện tử từ bản chính</translation>
    </message>
    <message>
        <source>The scanned original (PDF)</source>
        <translation>Bản quét của bản chính (PDF)</translation>
    </message>
    <message>
        <source>Choose the scan…</source>
        <translation>Chọn bản quét…</translation>
    </message>
    <message>
        <source>e.g. Giấy khai sinh bản chính số 123</source>
        <translation>ví dụ: Giấy khai sinh bản chính số 123</translation>
    </message>
    <message>
        <source>%1 per page for pages 1–2, %2 per page from the third, at most %3 per copy</source>
        <translation>%1/trang cho trang 1–2, %2/trang từ trang thứ ba, tối đa %3/bản</translation>
    </message>
    <message>
        <source>(none now: the văn thư adds it later)</source>
        <translation>(chưa ký: văn thư ký sau)</translation>
    </message>
    <message>
        <source>Folder for the certified copy</source>
        <translation>Thư mục lưu bản sao chứng thực</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Thư mục…</translation>
    </message>
    <message>
        <source>Scanned original:</source>
        <translation>Bản quét bản chính:</translation>
    </message>
    <message>
        <source>Document:</source>
        <translation>Tên giấy tờ:</translation>
    </message>
    <message>
        <source>Requested by:</source>
        <translation>Người yêu cầu:</translation>
    </message>
    <message>
        <source>Fee:</source>
        <translation>Lệ phí:</translation>
    </message>
    <message>
        <source>Pages:</source>
        <translation>Số trang:</translation>
    </message>
    <message>
        <source>Commune's signature:</source>
        <translation>Chữ ký của UBND xã:</translation>
    </message>
    <message>
        <source>Save in:</source>
        <translation>Lưu vào:</translation>
    </message>
    <message>
        <source>Certify and sign</source>
        <translation>Chứng thực và ký số</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>The officer's certificate:</source>
        <translation>Chứng thư số của người thực hiện chứng thực:</translation>
    </message>
    <message>
        <source>Statement written on the copy (preview; the number is given when signing):</source>
        <translation>Lời chứng ghi trên bản sao (xem trước; số chứng thực được cấp khi ký):</translation>
    </message>
    <message>
        <source>The scanned original</source>
        <translation>Bản quét của bản chính</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>Tệp PDF (*.pdf)</translation>
    </message>
    <message>
        <source>%1 page(s)</source>
        <translation>%1 trang (bản chính)</translation>
    </message>
    <message>
        <source>This file cannot be read as a PDF: choose the scanned original again.</source>
        <translation>Không đọc được tệp này như một tệp PDF: hãy chọn lại bản quét của bản chính.</translation>
    </message>
    <message>
        <source>(the officer)</source>
        <translation>(người thực hiện chứng thực)</translation>
    </message>
    <message>
        <source>Reading the book…</source>
        <translation>Đang đọc sổ chứng thực…</translation>
    </message>
    <message>
        <source>Opening the token — enter the PIN when asked…</source>
        <translation>Đang mở thiết bị ký số — nhập mã PIN khi được hỏi…</translation>
    </message>
    <message>
        <source>dossier %1</source>
        <translation>hồ sơ %1</translation>
    </message>
    <message>
        <source>Certified: %1. Fee %2. Copy: %3</source>
        <translation>Đã chứng thực: %1. Lệ phí %2. Bản sao: %3</translation>
    </message>
    <message>
        <source>the commune's signature was not added: %1</source>
        <translation>chưa thêm được chữ ký của UBND xã: %1</translation>
    </message>
</context>
<context>
    <name>CodesModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
</context>
<context>
    <name>ComponentsModel</name>
    <message>
        <source>Received</source>
        <translation>Đã nhận</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Thành phần hồ sơ</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Hình thức</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>SL</translation>
    </message>
    <message>
        <source>Scanned files</source>
        <translation>Tệp scan</translation>
    </message>
    <message>
        <source>required</source>
        <translation>bắt buộc</translation>
    </message>
    <message>
        <source>optional</source>
        <translation>không bắt buộc</translation>
    </message>
</context>
<context>
    <name>ComponentsPart</name>
    <message>
        <source>3. Components (Alt+3) — Space: received, F2: edit form/quantity</source>
        <translation>3. Thành phần hồ sơ (Alt+3) — Space: đã nhận, F2: sửa hình thức/số lượng</translation>
    </message>
    <message>
        <source>Attach scanned file… (Ctrl+O)</source>
        <translation>Đính kèm tệp scan… (Ctrl+O)</translation>
    </message>
    <message>
        <source>Scan… (Ctrl+Shift+O)</source>
        <translation>Quét… (Ctrl+Shift+O)</translation>
    </message>
    <message>
        <source>Scan or import the pages of the selected component</source>
        <translation>Quét hoặc nhập tệp các trang của thành phần đang chọn</translation>
    </message>
    <message>
        <source>Reuse digitised copy (Ctrl+D)</source>
        <translation>Dùng lại bản số hóa (Ctrl+D)</translation>
    </message>
    <message>
        <source>Bold: required by the procedure.</source>
        <translation>Chữ đậm: giấy tờ bắt buộc.</translation>
    </message>
    <message>
        <source>No ID card QR code read from the scan: %1</source>
        <translation>Không đọc được mã QR của thẻ căn cước trên bản quét: %1</translation>
    </message>
    <message>
        <source>The scanned ID card says:

%1
ID number: %2
Born: %3 · %4
%5

Fill the applicant with these details?</source>
        <translation>Thẻ căn cước trên bản quét ghi:

%1
Số định danh: %2
Ngày sinh: %3 · %4
%5

Điền các thông tin này vào phần người nộp?</translation>
    </message>
    <message>
        <source>ID card QR code</source>
        <translation>Mã QR trên thẻ căn cước</translation>
    </message>
    <message>
        <source>Fill in</source>
        <translation>Điền vào</translation>
    </message>
    <message>
        <source>Do not fill</source>
        <translation>Không điền</translation>
    </message>
    <message>
        <source>%1. %2: %3 — will be reused (Ctrl+D to undo)</source>
        <translation>%1. %2: %3 — sẽ dùng lại (Ctrl+D để bỏ chọn)</translation>
    </message>
    <message>
        <source>%1. %2: %3 — Ctrl+D reuses it, no new scan</source>
        <translation>%1. %2: %3 — Ctrl+D để dùng lại, không cần quét lại</translation>
    </message>
    <message>
        <source>No digitised copy of this component is on file.</source>
        <translation>Chưa có bản số hóa nào của thành phần này.</translation>
    </message>
    <message>
        <source>%1. %2: the digitised copy (%3) was reused.</source>
        <translation>%1. %2: đã dùng lại bản số hóa (%3).</translation>
    </message>
    <message>
        <source>Choose the procedure first.</source>
        <translation>Hãy chọn thủ tục trước.</translation>
    </message>
</context>
<context>
    <name>CreateAdminDialog</name>
    <message>
        <source>Login:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Full name:</source>
        <translation>Họ và tên:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>Password again:</source>
        <translation>Nhập lại mật khẩu:</translation>
    </message>
    <message>
        <source>Create the administrator</source>
        <translation>Tạo tài khoản quản trị</translation>
    </message>
    <message>
        <source>This desk has no accounts yet. Create the administrator's account first; the administrator then adds the staff's accounts.</source>
        <translation>Quầy này chưa có tài khoản nào. Hãy tạo tài khoản quản trị trước; sau đó quản trị thêm tài khoản cho cán bộ.</translation>
    </message>
    <message>
        <source>Create and log in</source>
        <translation>Tạo và đăng nhập</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Thoát</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>Hai mật khẩu không giống nhau.</translation>
    </message>
</context>
<context>
    <name>CropDialog</name>
    <message>
        <source>Crop the page</source>
        <translation>Cắt trang</translation>
    </message>
    <message>
        <source>Left margin (%):</source>
        <translation>Cắt lề trái (%):</translation>
    </message>
    <message>
        <source>Top margin (%):</source>
        <translation>Cắt lề trên (%):</translation>
    </message>
    <message>
        <source>Right margin (%):</source>
        <translation>Cắt lề phải (%):</translation>
    </message>
    <message>
        <source>Bottom margin (%):</source>
        <translation>Cắt lề dưới (%):</translation>
    </message>
</context>
<context>
    <name>DashboardView</name>
    <message>
        <source>Dashboard</source>
        <translation>Bảng điều khiển</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Từ ngày</translation>
    </message>
    <message>
        <source>to</source>
        <translation>đến</translation>
    </message>
    <message>
        <source>Per</source>
        <translation>Phân theo</translation>
    </message>
    <message>
        <source>Show</source>
        <translation>Hiển thị</translation>
    </message>
    <message>
        <source>This month</source>
        <translation>Tháng này</translation>
    </message>
    <message>
        <source>Last month</source>
        <translation>Tháng trước</translation>
    </message>
    <message>
        <source>This year</source>
        <translation>Năm nay</translation>
    </message>
    <message>
        <source>Last 12 months</source>
        <translation>12 tháng gần nhất</translation>
    </message>
    <message>
        <source>procedure</source>
        <translation>thủ tục</translation>
    </message>
    <message>
        <source>clerk</source>
        <translation>cán bộ</translation>
    </message>
    <message>
        <source>month</source>
        <translation>tháng</translation>
    </message>
    <message>
        <source>Computing…</source>
        <translation>Đang tính…</translation>
    </message>
    <message>
        <source>Figures as of %1</source>
        <translation>Số liệu tính đến %1</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>Đúng hạn</translation>
    </message>
    <message>
        <source>Dossiers digitised</source>
        <translation>Hồ sơ được số hóa</translation>
    </message>
    <message>
        <source>Results digitised</source>
        <translation>Kết quả được số hóa</translation>
    </message>
    <message>
        <source>Filed online</source>
        <translation>Nộp trực tuyến</translation>
    </message>
    <message>
        <source>Satisfied</source>
        <translation>Hài lòng</translation>
    </message>
    <message>
        <source>Synchronised</source>
        <translation>Đã đồng bộ</translation>
    </message>
    <message>
        <source>target over 90 %: met</source>
        <translation>chỉ tiêu trên 90 %: đạt</translation>
    </message>
    <message>
        <source>target over 90 %: not met</source>
        <translation>chỉ tiêu trên 90 %: chưa đạt</translation>
    </message>
    <message>
        <source>Dossiers now, by state</source>
        <translation>Hồ sơ hiện có, theo trạng thái</translation>
    </message>
    <message>
        <source>On-time rate per %1 (target 90 %)</source>
        <translation>Tỷ lệ đúng hạn theo %1 (chỉ tiêu 90 %)</translation>
    </message>
    <message>
        <source>Overdue now: %1</source>
        <translation>Đang quá hạn: %1</translation>
    </message>
    <message>
        <source>Decision 766 indicators (parts a desk can compute): %1 of %2 points</source>
        <translation>Bộ chỉ số theo Quyết định 766 (phần quầy tính được): %1 trên %2 điểm</translation>
    </message>
</context>
<context>
    <name>Delivery</name>
    <message>
        <source>At the one-stop desk</source>
        <translation>Tại Bộ phận Một cửa</translation>
    </message>
    <message>
        <source>By public postal service</source>
        <translation>Qua dịch vụ bưu chính công ích</translation>
    </message>
</context>
<context>
    <name>DeliveryPart</name>
    <message>
        <source>4. Result delivery and fee (Alt+4)</source>
        <translation>4. Nhận kết quả và phí, lệ phí (Alt+4)</translation>
    </message>
    <message>
        <source>Postal address for the result</source>
        <translation>Địa chỉ nhận kết quả qua bưu chính</translation>
    </message>
    <message>
        <source>Result delivered:</source>
        <translation>Nơi nhận kết quả:</translation>
    </message>
    <message>
        <source>Postal address:</source>
        <translation>Địa chỉ bưu chính:</translation>
    </message>
    <message>
        <source>Number of sets:</source>
        <translation>Số bộ hồ sơ:</translation>
    </message>
    <message>
        <source>Pages of the original:</source>
        <translation>Số trang bản chính:</translation>
    </message>
    <message>
        <source>Fee due:</source>
        <translation>Phí, lệ phí phải nộp:</translation>
    </message>
</context>
<context>
    <name>DocumentsModel</name>
    <message>
        <source>Document</source>
        <translation>Tài liệu</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Tình trạng</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Chi tiết</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Chờ ký</translation>
    </message>
    <message>
        <source>Signing…</source>
        <translation>Đang ký…</translation>
    </message>
    <message>
        <source>Signed</source>
        <translation>Đã ký</translation>
    </message>
    <message>
        <source>FAILED</source>
        <translation>LỖI</translation>
    </message>
    <message>
        <source>Not signed (stopped)</source>
        <translation>Chưa ký (đã dừng)</translation>
    </message>
    <message>
        <source>Processed</source>
        <translation>Đã xử lý</translation>
    </message>
</context>
<context>
    <name>DossierDetail</name>
    <message>
        <source>Dossier %1</source>
        <extracomment>A lifecycle step changed the dossier (the main window may reload its list).</extracomment>
        <translation>Hồ sơ %1</translation>
    </message>
    <message>
        <source>Dossier code:</source>
        <translation>Mã hồ sơ:</translation>
    </message>
    <message>
        <source>Procedure:</source>
        <translation>Thủ tục:</translation>
    </message>
    <message>
        <source>Applicant:</source>
        <translation>Người nộp:</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>Địa chỉ:</translation>
    </message>
    <message>
        <source>Phone:</source>
        <translation>Điện thoại:</translation>
    </message>
    <message>
        <source>On behalf of:</source>
        <translation>Nộp thay cho:</translation>
    </message>
    <message>
        <source>Received:</source>
        <translation>Tiếp nhận:</translation>
    </message>
    <message>
        <source>Due:</source>
        <translation>Hẹn trả:</translation>
    </message>
    <message>
        <source>Status:</source>
        <translation>Trạng thái:</translation>
    </message>
    <message>
        <source>Result delivered:</source>
        <translation>Nơi nhận kết quả:</translation>
    </message>
    <message>
        <source>Fee:</source>
        <translation>Phí, lệ phí:</translation>
    </message>
    <message>
        <source>Clerk:</source>
        <translation>Cán bộ tiếp nhận:</translation>
    </message>
    <message>
        <source>Sync:</source>
        <translation>Đồng bộ:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Ghi chú:</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>STT</translation>
    </message>
    <message>
        <source>Component</source>
        <translation>Thành phần hồ sơ</translation>
    </message>
    <message>
        <source>Form</source>
        <translation>Hình thức</translation>
    </message>
    <message>
        <source>Qty</source>
        <translation>SL</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Tệp</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Loại</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Dung lượng (byte)</translation>
    </message>
    <message>
        <source>SHA-256</source>
        <translation>SHA-256</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Thời điểm</translation>
    </message>
    <message>
        <source>By</source>
        <translation>Người thực hiện</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Từ trạng thái</translation>
    </message>
    <message>
        <source>To</source>
        <translation>Sang trạng thái</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>Ghi chú</translation>
    </message>
    <message>
        <source>Components (%1)</source>
        <translation>Thành phần (%1)</translation>
    </message>
    <message>
        <source>Files (%1)</source>
        <translation>Tệp (%1)</translation>
    </message>
    <message>
        <source>History (%1)</source>
        <translation>Lịch sử (%1)</translation>
    </message>
    <message>
        <source>Reprint form 01 (receipt)</source>
        <translation>In lại Mẫu 01 (giấy tiếp nhận)</translation>
    </message>
    <message>
        <source>Print form 02 (supplement)</source>
        <translation>In Mẫu 02 (yêu cầu bổ sung)</translation>
    </message>
    <message>
        <source>Print form 03 (refusal)</source>
        <translation>In Mẫu 03 (từ chối)</translation>
    </message>
    <message>
        <source>Save PDF…</source>
        <translation>Lưu PDF…</translation>
    </message>
    <message>
        <source>Form 04 (apology)</source>
        <translation>Mẫu 04 (xin lỗi)</translation>
    </message>
    <message>
        <source>Form 05 (stop)</source>
        <translation>Mẫu 05 (dừng)</translation>
    </message>
    <message>
        <source>Form 06 (control slip)</source>
        <translation>Mẫu 06 (phiếu kiểm soát)</translation>
    </message>
    <message>
        <source>Scan / attach…</source>
        <translation>Quét / đính kèm…</translation>
    </message>
    <message>
        <source>Print preview — form %1 — %2</source>
        <translation>Xem trước khi in — Mẫu %1 — %2</translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation>Lưu phiếu thành tệp PDF</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>Tệp PDF (*.pdf)</translation>
    </message>
</context>
<context>
    <name>DossierScan</name>
    <message>
        <source>This dossier has no components to attach to.</source>
        <translation>Hồ sơ này không có thành phần nào để đính kèm.</translation>
    </message>
    <message>
        <source>Scan / attach</source>
        <translation>Quét / đính kèm</translation>
    </message>
    <message>
        <source>Attach the pages to which component?</source>
        <translation>Đính kèm các trang vào thành phần hồ sơ nào?</translation>
    </message>
    <message>
        <source>Scan…</source>
        <translation>Quét…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>The scan is kept in %1.</source>
        <translation>Bản quét vẫn được giữ tại %1.</translation>
    </message>
</context>
<context>
    <name>DossierTableModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Người nộp</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ngày nhận</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Hẹn trả</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Sync</source>
        <translation>Đồng bộ</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>Unexpected error: %1. Nothing typed was lost; please try again or call IT support.</source>
        <translation>Lỗi không mong đợi: %1. Dữ liệu đã nhập vẫn còn nguyên; hãy thử lại hoặc gọi bộ phận hỗ trợ kỹ thuật.</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>Không ghi được %1: %2</translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>Original</source>
        <translation>Bản chính</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Bản sao</translation>
    </message>
    <message>
        <source>Certified copy</source>
        <translation>Bản sao có chứng thực</translation>
    </message>
</context>
<context>
    <name>IntakeForm</name>
    <message>
        <source>New intake</source>
        <translation>Tiếp nhận hồ sơ mới</translation>
    </message>
    <message>
        <source>No procedure chosen yet.</source>
        <translation>Chưa chọn thủ tục.</translation>
    </message>
    <message>
        <source>1. Procedure (Alt+1)</source>
        <translation>1. Thủ tục (Alt+1)</translation>
    </message>
    <message>
        <source>Save (Ctrl+S)</source>
        <translation>Lưu (Ctrl+S)</translation>
    </message>
    <message>
        <source>Refuse / ask for supplement…</source>
        <translation>Từ chối / yêu cầu bổ sung…</translation>
    </message>
    <message>
        <source>Print receipt (Ctrl+P)</source>
        <translation>In giấy tiếp nhận (Ctrl+P)</translation>
    </message>
    <message>
        <source>Save PDF… (Ctrl+Shift+S)</source>
        <translation>Lưu PDF… (Ctrl+Shift+S)</translation>
    </message>
    <message>
        <source>Next dossier (Ctrl+N)</source>
        <translation>Hồ sơ tiếp theo (Ctrl+N)</translation>
    </message>
    <message>
        <source>The ID card was read into the applicant block. Now choose the procedure.</source>
        <translation>Đã đọc thẻ Căn cước vào phần người nộp. Bây giờ hãy chọn thủ tục.</translation>
    </message>
    <message>
        <source>The scan went into the procedure search and is not an ID card's QR; see the message under the QR field.</source>
        <translation>Mã vừa quét rơi vào ô tìm thủ tục và không phải mã QR của thẻ Căn cước; xem thông báo dưới ô quét QR.</translation>
    </message>
    <message>
        <source>same day (received after %1 → next working day)</source>
        <translation>trong ngày (nhận sau %1 → ngày làm việc tiếp theo)</translation>
    </message>
    <message>
        <source>same day</source>
        <translation>trong ngày</translation>
    </message>
    <message>
        <source>%1 calendar days</source>
        <translation>%1 ngày</translation>
    </message>
    <message>
        <source>%1 working days</source>
        <translation>%1 ngày làm việc</translation>
    </message>
    <message>
        <source>Choose the procedure first.</source>
        <translation>Hãy chọn thủ tục trước.</translation>
    </message>
    <message>
        <source>Scanned files for: %1</source>
        <translation>Tệp scan cho: %1</translation>
    </message>
    <message>
        <source>Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)</source>
        <translation>Bản scan (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>Cannot read: %1</source>
        <translation>Không đọc được: %1</translation>
    </message>
    <message>
        <source>Please correct the fields marked in red.</source>
        <translation>Vui lòng sửa các ô có thông báo màu đỏ.</translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation>Đang lưu…</translation>
    </message>
    <message>
        <source>Saved.</source>
        <translation>Đã lưu.</translation>
    </message>
    <message>
        <source>A different name for this ID number</source>
        <translation>Họ tên khác với số định danh đã lưu</translation>
    </message>
    <message>
        <source>This ID number is on file under the name “%1”.
The form says “%2”.

Is it the same person, whose name changed? Check the ID card before answering.</source>
        <translation>Số định danh này đã được lưu với họ tên “%1”.
Trên phiếu đang ghi “%2”.

Đây có đúng là cùng một người đã đổi tên không? Hãy xem lại thẻ căn cước trước khi trả lời.</translation>
    </message>
    <message>
        <source>Same person: update the name</source>
        <translation>Đúng người này: cập nhật họ tên</translation>
    </message>
    <message>
        <source>No: let me correct it</source>
        <translation>Không: để tôi sửa lại</translation>
    </message>
    <message>
        <source>%1 Dossier code: %2 · Due: %3</source>
        <translation>%1 Mã hồ sơ: %2 · Hẹn trả: %3</translation>
    </message>
    <message>
        <source>Refusal recorded.</source>
        <translation>Đã ghi nhận từ chối.</translation>
    </message>
    <message>
        <source>Supplement request recorded.</source>
        <translation>Đã ghi nhận yêu cầu bổ sung.</translation>
    </message>
    <message>
        <source>Print preview — form %1 — %2</source>
        <translation>Xem trước khi in — Mẫu %1 — %2</translation>
    </message>
    <message>
        <source>Printed; a copy is kept with the dossier.</source>
        <translation>Đã in; bản lưu được giữ cùng hồ sơ.</translation>
    </message>
    <message>
        <source>Save receipt as PDF</source>
        <translation>Lưu phiếu thành tệp PDF</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>Tệp PDF (*.pdf)</translation>
    </message>
    <message>
        <source>PDF saved: %1</source>
        <translation>Đã lưu PDF: %1</translation>
    </message>
    <message>
        <source>Discard this dossier?</source>
        <translation>Bỏ hồ sơ đang nhập?</translation>
    </message>
    <message>
        <source>What you typed has not been saved. Discard it?</source>
        <translation>Thông tin vừa nhập chưa được lưu. Bỏ đi?</translation>
    </message>
</context>
<context>
    <name>JobRunner</name>
    <message>
        <source>Error</source>
        <translation>Lỗi</translation>
    </message>
</context>
<context>
    <name>JobStatusWidget</name>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>Đang hủy…</translation>
    </message>
</context>
<context>
    <name>LockScreen</name>
    <message>
        <source>This desk is locked</source>
        <translation>Quầy đang khóa</translation>
    </message>
    <message>
        <source>Login:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Mở khóa</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <source>The same person, or a supervisor or an administrator, can unlock. The session stays the person's who logged in.</source>
        <translation>Chính người đang đăng nhập, hoặc giám sát, quản trị mở khóa được. Phiên làm việc vẫn là của người đã đăng nhập.</translation>
    </message>
    <message>
        <source>Logged in: %1 · %2</source>
        <translation>Đang đăng nhập: %1 · %2</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Login:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>Log in</source>
        <translation>Đăng nhập</translation>
    </message>
    <message>
        <source>Log in with your own account: what you do is recorded under your name.</source>
        <translation>Đăng nhập bằng tài khoản của chính mình: mọi thao tác được ghi lại dưới tên bạn.</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Thoát</translation>
    </message>
    <message>
        <source>Enter your login.</source>
        <translation>Hãy nhập tên đăng nhập.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Syncing…</source>
        <translation>Đang đồng bộ…</translation>
    </message>
    <message>
        <source>Opening the data…</source>
        <translation>Đang mở dữ liệu…</translation>
    </message>
    <message>
        <source>Logged out.</source>
        <translation>Đã đăng xuất.</translation>
    </message>
    <message>
        <source>Search: dossier code, name (diacritics optional), ID number, phone  (Ctrl+F)</source>
        <translation>Tìm: mã hồ sơ, họ tên (có dấu hay không dấu), số định danh, điện thoại  (Ctrl+F)</translation>
    </message>
    <message>
        <source>New intake (Ctrl+N)</source>
        <translation>Tiếp nhận mới (Ctrl+N)</translation>
    </message>
    <message>
        <source>Print receipt (Ctrl+P)</source>
        <translation>In giấy tiếp nhận (Ctrl+P)</translation>
    </message>
    <message>
        <source>Open dossier</source>
        <translation>Mở hồ sơ</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Tìm kiếm</translation>
    </message>
    <message>
        <source>Sync now (F5)</source>
        <translation>Đồng bộ ngay (F5)</translation>
    </message>
    <message>
        <source>Export diagnostics…</source>
        <translation>Xuất thông tin chẩn đoán…</translation>
    </message>
    <message>
        <source>Set up the server…</source>
        <translation>Thiết lập máy chủ…</translation>
    </message>
    <message>
        <source>Lock (Ctrl+L)</source>
        <translation>Khóa màn hình (Ctrl+L)</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Đăng xuất</translation>
    </message>
    <message>
        <source>&amp;Reports</source>
        <translation>&amp;Báo cáo</translation>
    </message>
    <message>
        <source>Work queues (Ctrl+W)</source>
        <translation>Hàng việc (Ctrl+W)</translation>
    </message>
    <message>
        <source>Dashboard (F9)</source>
        <translation>Bảng điều khiển (F9)</translation>
    </message>
    <message>
        <source>Citizen's rating of the selected dossier (Ctrl+R)</source>
        <translation>Công dân đánh giá hồ sơ đang chọn (Ctrl+R)</translation>
    </message>
    <message>
        <source>Takings of the day…</source>
        <translation>Tiền thu trong ngày…</translation>
    </message>
    <message>
        <source>Dossiers</source>
        <translation>Hồ sơ</translation>
    </message>
    <message>
        <source>Work queues</source>
        <translation>Hàng việc</translation>
    </message>
    <message>
        <source>Online dossiers</source>
        <translation>Hồ sơ trực tuyến</translation>
    </message>
    <message>
        <source>%1 · Desk %2</source>
        <translation>%1 · Quầy số %2</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>Thoát</translation>
    </message>
    <message>
        <source>Accounts…</source>
        <translation>Tài khoản…</translation>
    </message>
    <message>
        <source>Desk settings…</source>
        <translation>Cài đặt quầy…</translation>
    </message>
    <message>
        <source>Check the data</source>
        <translation>Kiểm tra dữ liệu</translation>
    </message>
    <message>
        <source>Import the procedure catalog…</source>
        <translation>Nhập danh mục thủ tục…</translation>
    </message>
    <message>
        <source>&amp;Dossiers</source>
        <translation>&amp;Hồ sơ</translation>
    </message>
    <message>
        <source>&amp;Sync</source>
        <translation>Đồng &amp;bộ</translation>
    </message>
    <message>
        <source>&amp;Administration</source>
        <translation>&amp;Quản trị</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Ngôn ngữ</translation>
    </message>
    <message>
        <source>%1 dossiers shown</source>
        <translation>Đang hiển thị %1 hồ sơ</translation>
    </message>
    <message>
        <source>Select a dossier first.</source>
        <translation>Hãy chọn một hồ sơ trước.</translation>
    </message>
    <message>
        <source>The citizen's rating was recorded.</source>
        <translation>Đã ghi nhận đánh giá của công dân.</translation>
    </message>
    <message>
        <source>%1 may not unlock this desk: only the person logged in, a supervisor or an administrator can.</source>
        <translation>%1 không được mở khóa quầy này: chỉ người đang đăng nhập, giám sát hoặc quản trị mới mở được.</translation>
    </message>
    <message>
        <source>Unlocked by %1.</source>
        <translation>Đã được %1 mở khóa.</translation>
    </message>
    <message>
        <source>Sync incomplete: %1</source>
        <translation>Đồng bộ chưa xong: %1</translation>
    </message>
    <message>
        <source>Sync finished.</source>
        <translation>Đồng bộ xong.</translation>
    </message>
</context>
<context>
    <name>OnlineInboxModel</name>
    <message>
        <source>Portal id</source>
        <translation>Mã trên cổng</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Người nộp</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <source>Filed at</source>
        <translation>Nộp lúc</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Tệp</translation>
    </message>
    <message>
        <source>%1 file(s)</source>
        <translation>%1 tệp</translation>
    </message>
    <message>
        <source>%1 of %2 downloaded</source>
        <translation>Đã tải %1/%2 tệp</translation>
    </message>
</context>
<context>
    <name>OnlineQueueView</name>
    <message>
        <source>Online dossiers waiting to be accepted</source>
        <translation>Hồ sơ trực tuyến chờ tiếp nhận</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Làm mới</translation>
    </message>
    <message>
        <source>Components</source>
        <translation>Thành phần hồ sơ</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Tệp</translation>
    </message>
    <message>
        <source>Reason (required to ask for a supplement or to refuse)</source>
        <translation>Lý do (bắt buộc khi yêu cầu bổ sung hoặc từ chối)</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Tiếp nhận</translation>
    </message>
    <message>
        <source>Ask for supplement</source>
        <translation>Yêu cầu bổ sung</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>Từ chối</translation>
    </message>
    <message>
        <source>%1 waiting</source>
        <translation>%1 hồ sơ đang chờ</translation>
    </message>
    <message>
        <source>No online dossier is waiting.</source>
        <translation>Không có hồ sơ trực tuyến nào đang chờ.</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Người nộp</translation>
    </message>
    <message>
        <source>Filed at</source>
        <translation>Nộp lúc</translation>
    </message>
    <message>
        <source>Earlier request</source>
        <translation>Yêu cầu trước</translation>
    </message>
    <message>
        <source>downloaded</source>
        <translation>đã tải về</translation>
    </message>
    <message>
        <source>not downloaded yet — sync</source>
        <translation>chưa tải về — hãy đồng bộ</translation>
    </message>
    <message>
        <source>Some files are not on this desk yet; sync first.</source>
        <translation>Còn tệp chưa tải về máy này; hãy đồng bộ trước.</translation>
    </message>
    <message>
        <source>Accept online dossier</source>
        <translation>Tiếp nhận hồ sơ trực tuyến</translation>
    </message>
    <message>
        <source>Write the reason first.</source>
        <translation>Hãy ghi lý do trước.</translation>
    </message>
    <message>
        <source>Supplement requested for %1.</source>
        <translation>Đã yêu cầu bổ sung hồ sơ %1.</translation>
    </message>
    <message>
        <source>Refused %1.</source>
        <translation>Đã từ chối hồ sơ %1.</translation>
    </message>
    <message>
        <source>Online dossier decision</source>
        <translation>Quyết định về hồ sơ trực tuyến</translation>
    </message>
</context>
<context>
    <name>OverdueModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cán bộ</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Hẹn trả</translation>
    </message>
</context>
<context>
    <name>ProcedureFinder</name>
    <message>
        <source>Procedure code or words of its name (e.g. khai sinh)</source>
        <translation>Mã thủ tục hoặc vài chữ trong tên (ví dụ: khai sinh)</translation>
    </message>
</context>
<context>
    <name>QtDeviceHandler</name>
    <message>
        <source>PIN of the signing token</source>
        <translation>Mã PIN của thiết bị ký số</translation>
    </message>
    <message>
        <source>%1 tries left</source>
        <translation>Còn %1 lần thử</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Đồng ý</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Hủy</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Thiết bị</translation>
    </message>
</context>
<context>
    <name>QueueTableModel</name>
    <message>
        <source>Dossier code</source>
        <translation>Mã hồ sơ</translation>
    </message>
    <message>
        <source>Applicant</source>
        <translation>Người nộp</translation>
    </message>
    <message>
        <source>Procedure</source>
        <translation>Thủ tục</translation>
    </message>
    <message>
        <source>Received</source>
        <translation>Ngày nhận</translation>
    </message>
    <message>
        <source>Due</source>
        <translation>Hẹn trả</translation>
    </message>
    <message>
        <source>Timing</source>
        <translation>Thời hạn</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Trạng thái</translation>
    </message>
    <message>
        <source>Clerk</source>
        <translation>Cán bộ</translation>
    </message>
</context>
<context>
    <name>QueueTiming</name>
    <message>
        <source>Late</source>
        <translation>Quá hạn</translation>
    </message>
    <message>
        <source>Due soon</source>
        <translation>Sắp đến hạn</translation>
    </message>
    <message>
        <source>On time</source>
        <translation>Đúng hạn</translation>
    </message>
</context>
<context>
    <name>QueuesView</name>
    <message>
        <source>Search in this queue (diacritics optional)</source>
        <translation>Tìm trong hàng việc này (có dấu hay không dấu đều được)</translation>
    </message>
    <message>
        <source>Search:</source>
        <translation>Tìm:</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>Kênh nộp:</translation>
    </message>
    <message>
        <source>Due soon within (working days):</source>
        <translation>Sắp đến hạn trong (ngày làm việc):</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Tất cả</translation>
    </message>
    <message>
        <source>At the desk</source>
        <translation>Tại quầy</translation>
    </message>
    <message>
        <source>Online</source>
        <translation>Trực tuyến</translation>
    </message>
    <message>
        <source>By post</source>
        <translation>Qua bưu chính</translation>
    </message>
    <message>
        <source>All procedures</source>
        <translation>Tất cả thủ tục</translation>
    </message>
    <message>
        <source>All clerks</source>
        <translation>Tất cả cán bộ</translation>
    </message>
    <message>
        <source>Online dossiers are accepted in the online tab.</source>
        <translation>Hồ sơ trực tuyến được tiếp nhận ở thẻ Hồ sơ trực tuyến.</translation>
    </message>
    <message>
        <source>%1 dossiers</source>
        <translation>%1 hồ sơ</translation>
    </message>
</context>
<context>
    <name>RatingView</name>
    <message>
        <source>Your opinion of our service</source>
        <translation>Đánh giá mức độ hài lòng</translation>
    </message>
    <message>
        <source>How satisfied are you with the service?</source>
        <translation>Ông/Bà có hài lòng với việc giải quyết hồ sơ không?</translation>
    </message>
    <message>
        <source>Dossier %1 — at the intake</source>
        <translation>Hồ sơ %1 — khâu tiếp nhận</translation>
    </message>
    <message>
        <source>Dossier %1 — at the return of the result</source>
        <translation>Hồ sơ %1 — khâu trả kết quả</translation>
    </message>
    <message>
        <source>Please tell us why (required):</source>
        <translation>Xin Ông/Bà cho biết lý do (bắt buộc):</translation>
    </message>
    <message>
        <source>Send my rating</source>
        <translation>Gửi đánh giá</translation>
    </message>
    <message>
        <source>Please write the reason before sending.</source>
        <translation>Xin ghi lý do trước khi gửi.</translation>
    </message>
    <message>
        <source>Thank you! Your rating has been recorded.</source>
        <translation>Xin cảm ơn! Đánh giá của Ông/Bà đã được ghi nhận.</translation>
    </message>
</context>
<context>
    <name>ReceiptPreview</name>
    <message>
        <source>Print… (Ctrl+P)</source>
        <translation>In… (Ctrl+P)</translation>
    </message>
    <message>
        <source>Zoom in (+)</source>
        <translation>Phóng to (+)</translation>
    </message>
    <message>
        <source>Zoom out (−)</source>
        <translation>Thu nhỏ (−)</translation>
    </message>
    <message>
        <source>Whole page</source>
        <translation>Xem cả trang</translation>
    </message>
    <message>
        <source>Close (Esc)</source>
        <translation>Đóng (Esc)</translation>
    </message>
</context>
<context>
    <name>RefuseDialog</name>
    <message>
        <source>Refuse or ask for supplement</source>
        <translation>Từ chối hoặc yêu cầu bổ sung</translation>
    </message>
    <message>
        <source>Refuse the dossier (form 03)</source>
        <translation>Từ chối tiếp nhận hồ sơ (Mẫu 03)</translation>
    </message>
    <message>
        <source>Ask the applicant to supplement (form 02)</source>
        <translation>Yêu cầu bổ sung, hoàn thiện hồ sơ (Mẫu 02)</translation>
    </message>
    <message>
        <source>Reason, and what exactly is missing or wrong</source>
        <translation>Lý do, và cụ thể giấy tờ nào còn thiếu hoặc chưa đúng</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Lý do:</translation>
    </message>
    <message>
        <source>Please write the reason: it is printed on the form.</source>
        <translation>Vui lòng ghi lý do: lý do được in trên phiếu.</translation>
    </message>
</context>
<context>
    <name>ScanSessionDialog</name>
    <message>
        <source>Scan — %1</source>
        <translation>Quét — %1</translation>
    </message>
    <message>
        <source>Pages for: %1</source>
        <translation>Các trang của: %1</translation>
    </message>
    <message>
        <source>Test scanner</source>
        <translation>Thử máy quét</translation>
    </message>
    <message>
        <source>Refresh list</source>
        <translation>Làm mới danh sách</translation>
    </message>
    <message>
        <source>all</source>
        <translation>tất cả</translation>
    </message>
    <message>
        <source>Scan (F5)</source>
        <translation>Quét (F5)</translation>
    </message>
    <message>
        <source>Import files… (Ctrl+O)</source>
        <translation>Nhập tệp… (Ctrl+O)</translation>
    </message>
    <message>
        <source>Scanner:</source>
        <translation>Máy quét:</translation>
    </message>
    <message>
        <source>Document type:</source>
        <translation>Loại giấy tờ:</translation>
    </message>
    <message>
        <source>Source:</source>
        <translation>Nguồn quét:</translation>
    </message>
    <message>
        <source>Sheets:</source>
        <translation>Số tờ:</translation>
    </message>
    <message>
        <source>Ctrl+↑/↓ move · R / Shift+R turn · C crop · Delete remove (Ctrl+Z undo) · Space keep a page flagged blank</source>
        <translation>Ctrl+↑/↓ chuyển trang · R / Shift+R xoay · C cắt lề · Delete xóa (Ctrl+Z hoàn tác) · Space giữ trang bị đánh dấu trắng</translation>
    </message>
    <message>
        <source>Text recognition (OCR) in the background</source>
        <translation>Nhận dạng chữ (OCR) chạy nền</translation>
    </message>
    <message>
        <source>Save and attach (Ctrl+S)</source>
        <translation>Lưu và đính kèm (Ctrl+S)</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>Compression:</source>
        <translation>Kiểu nén:</translation>
    </message>
    <message>
        <source>Scanner</source>
        <translation>Máy quét</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>Tiếp tục</translation>
    </message>
    <message>
        <source>Stop scanning</source>
        <translation>Dừng quét</translation>
    </message>
    <message>
        <source>Flatbed (glass)</source>
        <translation>Mặt kính</translation>
    </message>
    <message>
        <source>Document feeder</source>
        <translation>Khay nạp giấy</translation>
    </message>
    <message>
        <source>Feeder, both sides</source>
        <translation>Khay nạp giấy, hai mặt</translation>
    </message>
    <message>
        <source>Both sides by hand (turn the stack over)</source>
        <translation>Hai mặt thủ công (lật xấp giấy)</translation>
    </message>
    <message>
        <source>Black and white (smallest)</source>
        <translation>Đen trắng (nhỏ nhất)</translation>
    </message>
    <message>
        <source>Grey (JPEG)</source>
        <translation>Xám (JPEG)</translation>
    </message>
    <message>
        <source>Colour (JPEG)</source>
        <translation>Màu (JPEG)</translation>
    </message>
    <message>
        <source>Colour, small (JPEG ≤ 200 dpi)</source>
        <translation>Màu, dung lượng nhỏ (JPEG ≤ 200 dpi)</translation>
    </message>
    <message>
        <source>Scanner's own JPEG, untouched</source>
        <translation>Giữ nguyên JPEG của máy quét</translation>
    </message>
    <message>
        <source>No scanner found. Check the cable and the power, or import files instead (Ctrl+O).</source>
        <translation>Không tìm thấy máy quét. Hãy kiểm tra cáp và nguồn điện, hoặc nhập tệp (Ctrl+O).</translation>
    </message>
    <message>
        <source>(locked)</source>
        <translation>(đã khóa)</translation>
    </message>
    <message>
        <source>Locked by the administrator: the source and the settings of this profile cannot be changed.</source>
        <translation>Quản trị viên đã khóa: không đổi được nguồn quét và thiết lập của loại này.</translation>
    </message>
    <message>
        <source>Choose a scanner first.</source>
        <translation>Hãy chọn máy quét trước.</translation>
    </message>
    <message>
        <source>The scanner answers (a test page in %1 s).</source>
        <translation>Máy quét hoạt động (quét thử một trang trong %1 giây).</translation>
    </message>
    <message>
        <source>The scanner does not answer: %1</source>
        <translation>Máy quét không phản hồi: %1</translation>
    </message>
    <message>
        <source>Choose a document type first.</source>
        <translation>Hãy chọn loại giấy tờ trước.</translation>
    </message>
    <message>
        <source>Choose a scanner first (or import files: Ctrl+O).</source>
        <translation>Hãy chọn máy quét trước (hoặc nhập tệp: Ctrl+O).</translation>
    </message>
    <message>
        <source>Scanning…</source>
        <translation>Đang quét…</translation>
    </message>
    <message>
        <source>%1 pages of this batch are kept; fix the scanner and press Scan (F5) to go on.</source>
        <translation>Giữ lại %1 trang của lượt quét này; hãy xử lý máy quét rồi bấm Quét (F5) để quét tiếp.</translation>
    </message>
    <message>
        <source>Scan stopped; %1 pages of this batch are kept.</source>
        <translation>Đã dừng quét; giữ lại %1 trang của lượt quét này.</translation>
    </message>
    <message>
        <source>%1 pages scanned.</source>
        <translation>Đã quét %1 trang.</translation>
    </message>
    <message>
        <source>%1 pages look blank (marked in red): Space keeps, Delete removes.</source>
        <translation>%1 trang có vẻ là trang trắng (tô đỏ): Space để giữ, Delete để xóa.</translation>
    </message>
    <message>
        <source>Import files for: %1</source>
        <translation>Nhập tệp cho: %1</translation>
    </message>
    <message>
        <source>Images and PDFs (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp);;All files (*)</source>
        <translation>Ảnh và PDF (*.pdf *.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp);;Mọi tệp (*)</translation>
    </message>
    <message>
        <source>%1 pages imported.</source>
        <translation>Đã nhập %1 trang.</translation>
    </message>
    <message>
        <source>Page deleted (Ctrl+Z puts it back).</source>
        <translation>Đã xóa trang (Ctrl+Z để lấy lại).</translation>
    </message>
    <message>
        <source>Page put back.</source>
        <translation>Đã lấy lại trang.</translation>
    </message>
    <message>
        <source>No pages yet.</source>
        <translation>Chưa có trang nào.</translation>
    </message>
    <message>
        <source>PDF size: computing…</source>
        <translation>Dung lượng PDF: đang tính…</translation>
    </message>
    <message>
        <source>PDF size: %1 for %2 pages (%3)</source>
        <translation>Dung lượng PDF: %1 cho %2 trang (%3)</translation>
    </message>
    <message>
        <source>There is no page to save yet.</source>
        <translation>Chưa có trang nào để lưu.</translation>
    </message>
    <message>
        <source>%1 pages look blank: keep each one (Space) or delete it (Delete) before saving.</source>
        <translation>%1 trang có vẻ là trang trắng: hãy giữ (Space) hoặc xóa (Delete) từng trang trước khi lưu.</translation>
    </message>
    <message>
        <source>Cannot write the scan: %1</source>
        <translation>Không ghi được bản quét: %1</translation>
    </message>
    <message>
        <source>Saving the PDF…</source>
        <translation>Đang lưu PDF…</translation>
    </message>
    <message>
        <source>Saving the PDF with text recognition (OCR)…</source>
        <translation>Đang lưu PDF và nhận dạng chữ (OCR)…</translation>
    </message>
    <message>
        <source>Saved: %1 (%2).</source>
        <translation>Đã lưu: %1 (%2).</translation>
    </message>
    <message>
        <source>Discard the pages?</source>
        <translation>Bỏ các trang đã quét?</translation>
    </message>
    <message>
        <source>%1 scanned pages are not saved. Discard them?</source>
        <translation>%1 trang đã quét chưa được lưu. Bỏ các trang này?</translation>
    </message>
</context>
<context>
    <name>ServerSettingsDialog</name>
    <message>
        <source>Set up the server</source>
        <translation>Thiết lập máy chủ</translation>
    </message>
    <message>
        <source>unchanged</source>
        <translation>giữ nguyên</translation>
    </message>
    <message>
        <source>Server address:</source>
        <translation>Địa chỉ máy chủ:</translation>
    </message>
    <message>
        <source>User name:</source>
        <translation>Tên đăng nhập:</translation>
    </message>
    <message>
        <source>Password:</source>
        <translation>Mật khẩu:</translation>
    </message>
    <message>
        <source>The password is kept in the system keyring, never in the desk's files.</source>
        <translation>Mật khẩu được lưu trong kho khóa của hệ điều hành, không bao giờ lưu trong tệp dữ liệu của quầy.</translation>
    </message>
    <message>
        <source>The server address is not valid: write it as https://… (for example https://motcua.example.gov.vn).</source>
        <translation>Địa chỉ máy chủ không hợp lệ: hãy viết dạng https://… (ví dụ https://motcua.example.gov.vn).</translation>
    </message>
    <message>
        <source>The user name is not valid.</source>
        <translation>Tên đăng nhập không hợp lệ.</translation>
    </message>
    <message>
        <source>The password could not be kept on this computer (the system keyring is not available). It is used until you close the program and will be asked again next time.</source>
        <translation>Không giữ được mật khẩu trên máy này (kho khóa của hệ điều hành không dùng được). Mật khẩu chỉ được dùng đến khi đóng chương trình; lần sau sẽ hỏi lại.</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Desk settings</source>
        <translation>Cài đặt quầy</translation>
    </message>
    <message>
        <source> min</source>
        <translation> phút</translation>
    </message>
    <message>
        <source>Lock the screen after (no input):</source>
        <translation>Khóa màn hình sau (không thao tác):</translation>
    </message>
</context>
<context>
    <name>SignDialog</name>
    <message>
        <source>Sign documents with the USB token</source>
        <extracomment>the batch ended; the BatchReport (or None after an error before signing)</extracomment>
        <translation>Ký số tài liệu bằng thiết bị ký số (USB token)</translation>
    </message>
    <message>
        <source>Token library (.dll / .so) of the certificate provider</source>
        <translation>Thư viện token (.dll / .so) của nhà cung cấp chứng thư số</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Chọn…</translation>
    </message>
    <message>
        <source>Find tokens</source>
        <translation>Tìm thiết bị</translation>
    </message>
    <message>
        <source>Token library:</source>
        <translation>Thư viện token:</translation>
    </message>
    <message>
        <source>Visible signature (top right of page 1)</source>
        <translation>Chữ ký hiển thị (góc trên bên phải trang 1)</translation>
    </message>
    <message>
        <source>Time-stamp (B-T): %1</source>
        <translation>Gắn dấu thời gian (B-T): %1</translation>
    </message>
    <message>
        <source>No time-stamp service configured: signed as B-B, upgraded at the next sync</source>
        <translation>Chưa cấu hình dịch vụ dấu thời gian: ký mức B-B, nâng cấp ở lần đồng bộ sau</translation>
    </message>
    <message>
        <source>Add PDF files…</source>
        <translation>Thêm tệp PDF…</translation>
    </message>
    <message>
        <source>Results awaiting signature</source>
        <translation>Kết quả chờ ký</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Bỏ khỏi danh sách</translation>
    </message>
    <message>
        <source>Folder for the signed files</source>
        <translation>Thư mục lưu tệp đã ký</translation>
    </message>
    <message>
        <source>Folder…</source>
        <translation>Thư mục…</translation>
    </message>
    <message>
        <source>Save signed files in:</source>
        <translation>Lưu tệp đã ký vào:</translation>
    </message>
    <message>
        <source>Each signed file becomes a new version in its dossier (the unsigned one is kept); the signed version is what syncs and what the citizen receives.</source>
        <translation>Mỗi tệp đã ký thành một phiên bản mới trong hồ sơ (bản chưa ký vẫn được giữ); bản đã ký là bản được đồng bộ và trả cho người dân.</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>Ký số</translation>
    </message>
    <message>
        <source>Stop after this document</source>
        <translation>Dừng sau tài liệu này</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>1. Certificate</source>
        <translation>1. Chứng thư số</translation>
    </message>
    <message>
        <source>2. Documents</source>
        <translation>2. Tài liệu cần ký</translation>
    </message>
    <message>
        <source>Choose the token library of your certificate provider, then press “Find tokens”.</source>
        <translation>Chọn thư viện token của nhà cung cấp chứng thư số, rồi bấm “Tìm thiết bị”.</translation>
    </message>
    <message>
        <source>Results awaiting signature: %1</source>
        <translation>Kết quả chờ ký: %1</translation>
    </message>
    <message>
        <source>No result is waiting for a signature.</source>
        <translation>Không có kết quả nào chờ ký.</translation>
    </message>
    <message>
        <source>Token library</source>
        <translation>Thư viện token</translation>
    </message>
    <message>
        <source>PKCS#11 library (*.dll *.so *.dylib *.so.*)</source>
        <translation>Thư viện PKCS#11 (*.dll *.so *.dylib *.so.*)</translation>
    </message>
    <message>
        <source>Documents to sign</source>
        <translation>Tài liệu cần ký</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>Tệp PDF (*.pdf)</translation>
    </message>
    <message>
        <source>This token has a PIN pad: type the PIN on the device when asked.</source>
        <translation>Thiết bị này có bàn phím PIN: khi được hỏi, hãy nhập mã PIN trên thiết bị.</translation>
    </message>
    <message>
        <source>Careful: the token says %1 PIN tries are left.</source>
        <translation>Cẩn thận: thiết bị cho biết chỉ còn %1 lần nhập mã PIN.</translation>
    </message>
    <message>
        <source>Careful: a wrong PIN was entered on this token before.</source>
        <translation>Cẩn thận: thiết bị này đã từng bị nhập sai mã PIN.</translation>
    </message>
    <message>
        <source>Signer: %1 — %2</source>
        <translation>Người ký: %1 — %2</translation>
    </message>
    <message>
        <source>Looking for tokens…</source>
        <translation>Đang tìm thiết bị ký số…</translation>
    </message>
    <message>
        <source>No certificate found: plug the token in and press “Find tokens”.</source>
        <translation>Không thấy chứng thư số nào: cắm token vào máy rồi bấm “Tìm thiết bị”.</translation>
    </message>
    <message>
        <source>No certificate on the token can sign now (expired, not yet valid or PIN locked).</source>
        <translation>Không có chứng thư số nào trên thiết bị ký được lúc này (hết hạn, chưa có hiệu lực hoặc mã PIN bị khóa).</translation>
    </message>
    <message>
        <source>Opening the token — enter the PIN when asked…</source>
        <translation>Đang mở thiết bị ký số — nhập mã PIN khi được hỏi…</translation>
    </message>
    <message>
        <source>Stopping after the current document…</source>
        <translation>Sẽ dừng sau tài liệu đang ký…</translation>
    </message>
    <message>
        <source>version %1 in the dossier</source>
        <translation>phiên bản số %1 trong hồ sơ</translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>to be upgraded at the next sync</source>
        <translation>sẽ nâng cấp ở lần đồng bộ sau</translation>
    </message>
    <message>
        <source>untouched</source>
        <translation>không bị thay đổi</translation>
    </message>
    <message>
        <source>Signed: %1 · failed: %2 · not signed: %3</source>
        <translation>Đã ký: %1 · lỗi: %2 · chưa ký: %3</translation>
    </message>
    <message>
        <source>Signer: %1 — token %2</source>
        <translation>Người ký: %1 — thiết bị %2</translation>
    </message>
    <message>
        <source>The token does not say how many tries are left; most tokens lock after 3 wrong PINs.</source>
        <translation>Thiết bị không cho biết còn bao nhiêu lần thử; phần lớn token bị khóa sau 3 lần nhập sai.</translation>
    </message>
    <message>
        <source>No document was signed; nothing was written.</source>
        <translation>Chưa ký tài liệu nào; không ghi tệp nào.</translation>
    </message>
</context>
<context>
    <name>SignaturesModel</name>
    <message>
        <source>Result</source>
        <translation>Kết quả</translation>
    </message>
    <message>
        <source>Signer</source>
        <translation>Người ký</translation>
    </message>
    <message>
        <source>Signing time</source>
        <translation>Thời gian ký</translation>
    </message>
    <message>
        <source>Integrity</source>
        <translation>Toàn vẹn</translation>
    </message>
    <message>
        <source>Added after signing</source>
        <translation>Thêm sau khi ký</translation>
    </message>
    <message>
        <source>Trust</source>
        <translation>Tin cậy</translation>
    </message>
    <message>
        <source>Revocation</source>
        <translation>Thu hồi</translation>
    </message>
    <message>
        <source>Time-stamp</source>
        <translation>Dấu thời gian</translation>
    </message>
    <message>
        <source>Level</source>
        <translation>Mức</translation>
    </message>
    <message>
        <source>Field</source>
        <translation>Trường chữ ký</translation>
    </message>
    <message>
        <source>VALID</source>
        <translation>HỢP LỆ</translation>
    </message>
    <message>
        <source>VALID (time-stamp)</source>
        <translation>HỢP LỆ (dấu thời gian)</translation>
    </message>
    <message>
        <source>NOT VALID</source>
        <translation>KHÔNG HỢP LỆ</translation>
    </message>
    <message>
        <source>the signed content was altered</source>
        <translation>nội dung đã ký bị sửa</translation>
    </message>
    <message>
        <source>the file was changed after signing</source>
        <translation>tệp bị sửa sau khi ký</translation>
    </message>
    <message>
        <source>the certificate is revoked</source>
        <translation>chứng thư số đã bị thu hồi</translation>
    </message>
    <message>
        <source>the certificate does not chain to a trusted root</source>
        <translation>chứng thư số không dẫn đến chứng thư gốc tin cậy</translation>
    </message>
    <message>
        <source>the signature cannot be verified</source>
        <translation>không kiểm tra được chữ ký</translation>
    </message>
    <message>
        <source>nothing</source>
        <translation>không có</translation>
    </message>
    <message>
        <source>validation data / time-stamps only</source>
        <translation>chỉ dữ liệu kiểm tra / dấu thời gian</translation>
    </message>
    <message>
        <source>more signatures or form filling</source>
        <translation>thêm chữ ký hoặc điền biểu mẫu</translation>
    </message>
    <message>
        <source>annotations</source>
        <translation>thêm chú thích</translation>
    </message>
    <message>
        <source>CONTENT CHANGED</source>
        <translation>NỘI DUNG BỊ THAY ĐỔI</translation>
    </message>
    <message>
        <source>intact</source>
        <translation>nguyên vẹn</translation>
    </message>
    <message>
        <source>ALTERED</source>
        <translation>BỊ SỬA</translation>
    </message>
    <message>
        <source>trusted</source>
        <translation>tin cậy</translation>
    </message>
    <message>
        <source>NOT trusted</source>
        <translation>KHÔNG tin cậy</translation>
    </message>
    <message>
        <source>not revoked</source>
        <translation>chưa bị thu hồi</translation>
    </message>
    <message>
        <source>REVOKED</source>
        <translation>ĐÃ BỊ THU HỒI</translation>
    </message>
    <message>
        <source>not known</source>
        <translation>chưa xác định</translation>
    </message>
    <message>
        <source>none</source>
        <translation>không có</translation>
    </message>
    <message>
        <source>yes, trusted</source>
        <translation>có, tin cậy</translation>
    </message>
    <message>
        <source>yes, NOT trusted</source>
        <translation>có, KHÔNG tin cậy</translation>
    </message>
    <message>
        <source>(signer's clock)</source>
        <translation>(theo máy người ký)</translation>
    </message>
</context>
<context>
    <name>SigningMenu</name>
    <message>
        <source>Si&amp;gning</source>
        <extracomment>action → the registry command it runs (the role rule)</extracomment>
        <translation>&amp;Ký số</translation>
    </message>
    <message>
        <source>Sign documents with the token…</source>
        <translation>Ký số tài liệu bằng token…</translation>
    </message>
    <message>
        <source>Check signatures…</source>
        <translation>Kiểm tra chữ ký…</translation>
    </message>
    <message>
        <source>Certified copy from the original…</source>
        <translation>Chứng thực bản sao từ bản chính…</translation>
    </message>
    <message>
        <source>Certification book…</source>
        <translation>Sổ chứng thực…</translation>
    </message>
</context>
<context>
    <name>Sync</name>
    <message>
        <source>%1 dossiers waiting · %2 MB · no server set up</source>
        <translation>%1 hồ sơ chờ gửi · %2 MB · chưa thiết lập máy chủ</translation>
    </message>
    <message>
        <source>%1 dossiers waiting · %2 MB · ~%3 min</source>
        <translation>%1 hồ sơ chờ gửi · %2 MB · ~%3 phút</translation>
    </message>
    <message>
        <source>Everything sent</source>
        <translation>Đã gửi hết</translation>
    </message>
    <message>
        <source>%1 need attention</source>
        <translation>%1 cần xử lý</translation>
    </message>
    <message>
        <source>Last successful sync: never</source>
        <translation>Đồng bộ thành công gần nhất: chưa có</translation>
    </message>
    <message>
        <source>Last successful sync: %1</source>
        <translation>Đồng bộ thành công gần nhất: %1</translation>
    </message>
    <message>
        <source>Export diagnostics</source>
        <translation>Xuất thông tin chẩn đoán</translation>
    </message>
</context>
<context>
    <name>ThumbnailModel</name>
    <message>
        <source>back</source>
        <translation>mặt sau</translation>
    </message>
    <message>
        <source>cropped</source>
        <translation>đã cắt lề</translation>
    </message>
    <message>
        <source>blank?</source>
        <translation>trắng?</translation>
    </message>
    <message>
        <source>blank, kept</source>
        <translation>trắng, giữ</translation>
    </message>
    <message>
        <source>Page %1</source>
        <translation>Trang số %1</translation>
    </message>
    <message>
        <source>Looks blank: Space keeps it, Delete removes it.</source>
        <translation>Có vẻ là trang trắng: Space để giữ, Delete để xóa.</translation>
    </message>
</context>
<context>
    <name>TraceDialog</name>
    <message>
        <source>%1 dossiers</source>
        <translation>%1 hồ sơ</translation>
    </message>
</context>
<context>
    <name>ValidationView</name>
    <message>
        <source>Check signatures</source>
        <translation>Kiểm tra chữ ký số</translation>
    </message>
    <message>
        <source>* time from the signer's own clock (no time-stamp). Trusted roots: the desk's trust store (national root CA and the government specialised root CA).</source>
        <translation>* thời gian theo đồng hồ máy người ký (không có dấu thời gian). Chứng thư gốc tin cậy: kho tin cậy của quầy (Root CA quốc gia và Root CA chuyên dùng Chính phủ).</translation>
    </message>
    <message>
        <source>Open another PDF…</source>
        <translation>Mở tệp PDF khác…</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Đóng</translation>
    </message>
    <message>
        <source>PDF file to check</source>
        <translation>Tệp PDF cần kiểm tra chữ ký</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>Tệp PDF (*.pdf)</translation>
    </message>
    <message>
        <source>File: %1</source>
        <translation>Tệp: %1</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>Đang kiểm tra…</translation>
    </message>
    <message>
        <source>✘ NO SIGNATURE: this file is not signed.</source>
        <translation>✘ KHÔNG CÓ CHỮ KÝ: tệp này chưa được ký số.</translation>
    </message>
    <message>
        <source>✔ VALID: %1 signature(s), all intact and trusted.</source>
        <translation>✔ HỢP LỆ: %1 chữ ký, tất cả nguyên vẹn và tin cậy.</translation>
    </message>
    <message>
        <source>✘ NOT VALID — %1 (%2 of %3 signatures not valid). Do not accept this file as signed.</source>
        <translation>✘ KHÔNG HỢP LỆ — %1 (%2/%3 chữ ký không hợp lệ). Không chấp nhận tệp này là văn bản đã ký.</translation>
    </message>
    <message>
        <source>✘ CANNOT CHECK: %1</source>
        <translation>✘ KHÔNG KIỂM TRA ĐƯỢC: %1</translation>
    </message>
</context>
<context>
    <name>WorkflowBar</name>
    <message>
        <source>your role may not do this now</source>
        <translation>vai trò của bạn không được làm việc này lúc này</translation>
    </message>
</context>
<context>
    <name>WorkflowDialog</name>
    <message>
        <source>At the desk</source>
        <translation>Tại quầy</translation>
    </message>
    <message>
        <source>By post</source>
        <translation>Qua bưu chính</translation>
    </message>
    <message>
        <source>Choose…</source>
        <translation>Chọn…</translation>
    </message>
    <message>
        <source>Processing officer</source>
        <translation>Cán bộ xử lý</translation>
    </message>
    <message>
        <source>Result file</source>
        <translation>Tệp kết quả</translation>
    </message>
    <message>
        <source>PDF or image (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)</source>
        <translation>PDF hoặc ảnh (*.pdf *.png *.jpg *.jpeg *.tif *.tiff)</translation>
    </message>
    <message>
        <source>Please fill in: %1</source>
        <translation>Vui lòng nhập: %1</translation>
    </message>
    <message>
        <source>Hand over</source>
        <translation>Chuyển xử lý</translation>
    </message>
    <message>
        <source>Request a supplement (form 02)</source>
        <translation>Yêu cầu bổ sung hồ sơ (Mẫu 02)</translation>
    </message>
    <message>
        <source>Supplement received</source>
        <translation>Đã nhận hồ sơ bổ sung</translation>
    </message>
    <message>
        <source>Delay with an apology (form 04)</source>
        <translation>Xin lỗi và hẹn lại ngày trả (Mẫu 04)</translation>
    </message>
    <message>
        <source>Result received</source>
        <translation>Nhận kết quả giải quyết</translation>
    </message>
    <message>
        <source>Return the result</source>
        <translation>Trả kết quả</translation>
    </message>
    <message>
        <source>Refuse (form 03)</source>
        <translation>Từ chối giải quyết (Mẫu 03)</translation>
    </message>
    <message>
        <source>Stop processing (form 05)</source>
        <translation>Dừng giải quyết (Mẫu 05)</translation>
    </message>
    <message>
        <source>Withdrawn by the applicant</source>
        <translation>Công dân rút hồ sơ</translation>
    </message>
    <message>
        <source>What is missing:</source>
        <translation>Nội dung cần bổ sung:</translation>
    </message>
    <message>
        <source>Reason:</source>
        <translation>Lý do:</translation>
    </message>
    <message>
        <source>Note:</source>
        <translation>Ghi chú:</translation>
    </message>
    <message>
        <source>Hand over to:</source>
        <translation>Chuyển cho:</translation>
    </message>
    <message>
        <source>Agency (inter-agency):</source>
        <translation>Cơ quan (liên thông):</translation>
    </message>
    <message>
        <source>Received by:</source>
        <translation>Người nhận:</translation>
    </message>
    <message>
        <source>New due date:</source>
        <translation>Ngày hẹn mới:</translation>
    </message>
    <message>
        <source>Result file:</source>
        <translation>Tệp kết quả:</translation>
    </message>
    <message>
        <source>Returned:</source>
        <translation>Hình thức trả:</translation>
    </message>
    <message>
        <source>Postal item no.:</source>
        <translation>Số hiệu bưu gửi:</translation>
    </message>
    <message>
        <source>Ask supplement</source>
        <translation>Yêu cầu bổ sung</translation>
    </message>
    <message>
        <source>Supplement in</source>
        <translation>Nhận bổ sung</translation>
    </message>
    <message>
        <source>Delay (04)</source>
        <translation>Gia hạn (04)</translation>
    </message>
    <message>
        <source>Result in</source>
        <translation>Có kết quả</translation>
    </message>
    <message>
        <source>Return</source>
        <translation>Trả kết quả</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>Từ chối</translation>
    </message>
    <message>
        <source>Stop (05)</source>
        <translation>Dừng (05)</translation>
    </message>
    <message>
        <source>Withdraw</source>
        <translation>Rút hồ sơ</translation>
    </message>
</context>
<context>
    <name>_DetailButtons</name>
    <message>
        <source>Sign…</source>
        <translation>Ký số…</translation>
    </message>
    <message>
        <source>Check signatures…</source>
        <translation>Kiểm tra chữ ký…</translation>
    </message>
    <message>
        <source>Certified copy…</source>
        <translation>Chứng thực bản sao…</translation>
    </message>
    <message>
        <source>Choose a PDF file in the “Files” tab first.</source>
        <translation>Hãy chọn một tệp PDF ở thẻ “Tệp” trước.</translation>
    </message>
</context>
</TS>
