#!/usr/bin/env python3
"""Generate the demo budget, land-use plan and compensation tables and the small PDF attachments.

Run: python3 demo/_tools/gen_tables.py   (fixed seed; re-running gives the same files)
All amounts are fictional. The folder name starts with "_" so the portal ignores it.
"""
import csv
import os
import random

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "site"))
rng = random.Random(2026)


def write_csv(rel, header, rows, sep=",", bom=False):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as f:
        w = csv.writer(f, delimiter=sep, lineterminator="\r\n" if bom else "\n")
        w.writerow(header)
        w.writerows(rows)
    print(len(rows), "rows ->", rel)


# ---------------------------------------------------------------------------
# Budget tree: (stt, name, value-or-children). Leaves carry the 2026 estimate (triệu đồng).
THU_NOI_DIA = [
    ("1", "Thu từ khu vực DNNN do trung ương quản lý", 420000),
    ("2", "Thu từ khu vực DNNN do địa phương quản lý", 95000),
    ("3", "Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài", 2650000),
    ("4", "Thu từ khu vực kinh tế ngoài quốc doanh", 1480000),
    ("5", "Thuế thu nhập cá nhân", 520000),
    ("6", "Thuế bảo vệ môi trường", 610000),
    ("7", "Lệ phí trước bạ", 385000),
    ("8", "Thu phí, lệ phí", 245000),
    ("9", "Thuế sử dụng đất phi nông nghiệp", 18000),
    ("10", "Tiền cho thuê đất, thuê mặt nước", 420000),
    ("11", "Thu tiền sử dụng đất", 2800000),
    ("12", "Thu tiền cấp quyền khai thác khoáng sản", 95000),
    ("13", "Thu từ hoạt động xổ số kiến thiết", 32000),
    ("14", "Thu khác ngân sách", 310000),
    ("15", "Thu từ quỹ đất công ích, hoa lợi công sản khác", 12000),
    ("16", "Thu cổ tức, lợi nhuận được chia và lợi nhuận sau thuế còn lại", 18000),
]
THU_XNK = [
    ("1", "Thuế giá trị gia tăng thu từ hàng hóa nhập khẩu", 9650000),
    ("2", "Thuế xuất khẩu", 45000),
    ("3", "Thuế nhập khẩu", 520000),
    ("4", "Thuế tiêu thụ đặc biệt thu từ hàng hóa nhập khẩu", 12000),
    ("5", "Thuế bảo vệ môi trường thu từ hàng hóa nhập khẩu", 273000),
]
THU_NSDP = [
    ("I", "Thu ngân sách địa phương được hưởng theo phân cấp", 9720000),
    ("II", "Thu bổ sung từ ngân sách trung ương", [
        ("1", "Thu bổ sung cân đối ngân sách", 5450000),
        ("2", "Thu bổ sung có mục tiêu", 2380000),
    ]),
]
BOI_CHI = 126000
CHI_DTPT = [
    ("1", "Chi đầu tư xây dựng cơ bản vốn trong nước (nguồn cân đối)", 1650000),
    ("2", "Chi đầu tư từ nguồn thu tiền sử dụng đất", 2520000),
    ("3", "Chi đầu tư từ nguồn thu xổ số kiến thiết", 32000),
    ("4", "Chi đầu tư từ nguồn bội chi ngân sách địa phương", BOI_CHI),
]
CHI_TX = [
    ("1", "Chi sự nghiệp giáo dục – đào tạo và dạy nghề", 3950000),
    ("2", "Chi sự nghiệp khoa học và công nghệ", 68000),
    ("3", "Chi sự nghiệp y tế, dân số và gia đình", 1250000),
    ("4", "Chi sự nghiệp văn hóa thông tin", 135000),
    ("5", "Chi sự nghiệp phát thanh, truyền hình, thông tấn", 58000),
    ("6", "Chi sự nghiệp thể dục thể thao", 62000),
    ("7", "Chi sự nghiệp bảo vệ môi trường", 210000),
    ("8", "Chi các hoạt động kinh tế", 1420000),
    ("9", "Chi hoạt động của cơ quan quản lý nhà nước, đảng, đoàn thể", 1780000),
    ("10", "Chi bảo đảm xã hội", 520000),
    ("11", "Chi quốc phòng", 185000),
    ("12", "Chi an ninh và trật tự an toàn xã hội", 95000),
    ("13", "Chi thường xuyên khác", 110000),
]


def total(node):
    v = node[2]
    return sum(total(c) for c in v) if isinstance(v, list) else v


tong_thu_nsdp = sum(total(n) for n in THU_NSDP)
tong_chi = tong_thu_nsdp + BOI_CHI
fixed = [
    ("I", "Chi đầu tư phát triển", CHI_DTPT),
    ("II", "Chi thường xuyên", CHI_TX),
    ("III", "Chi trả nợ lãi các khoản do chính quyền địa phương vay", 4500),
    ("IV", "Chi bổ sung quỹ dự trữ tài chính", 1200),
    ("V", "Dự phòng ngân sách", 285000),
    ("VII", "Chi các chương trình mục tiêu quốc gia", 640000),
    ("VIII", "Chi thực hiện các nhiệm vụ, mục tiêu từ nguồn bổ sung có mục tiêu của ngân sách trung ương", 1740000),
]
cctl = tong_chi - sum(total(n) for n in fixed)
CHI_NSDP = fixed[:5] + [("VI", "Chi tạo nguồn điều chỉnh tiền lương", cctl)] + fixed[5:]

TREE = [
    ("A", "TỔNG THU NGÂN SÁCH NHÀ NƯỚC TRÊN ĐỊA BÀN", [
        ("I", "Thu nội địa", THU_NOI_DIA),
        ("II", "Thu từ hoạt động xuất khẩu, nhập khẩu", THU_XNK),
    ]),
    ("B", "TỔNG THU NGÂN SÁCH ĐỊA PHƯƠNG", THU_NSDP),
    ("C", "TỔNG CHI NGÂN SÁCH ĐỊA PHƯƠNG", CHI_NSDP),
    ("D", "BỘI CHI NGÂN SÁCH ĐỊA PHƯƠNG", BOI_CHI),
    ("E", "CHI TRẢ NỢ GỐC CỦA NGÂN SÁCH ĐỊA PHƯƠNG", 38000),
    ("G", "TỔNG MỨC VAY CỦA NGÂN SÁCH ĐỊA PHƯƠNG", 164000),
]


def flatten(nodes, depth=0):
    for stt, name, v in nodes:
        yield depth, stt, name, (v if isinstance(v, list) else None), total((stt, name, v))
        if isinstance(v, list):
            yield from flatten(v, depth + 1)


# 2026 estimate with the 2025 outturn estimate (ước thực hiện) per leaf; parents are sums.
leaf25 = {}


def est25(node):
    stt, name, v = node
    if isinstance(v, list):
        return sum(est25(c) for c in v)
    if name not in leaf25:
        leaf25[name] = int(round(v * rng.uniform(0.86, 1.08) / 100.0)) * 100
    return leaf25[name]


rows = []
for depth, stt, name, kids, v26 in flatten(TREE):
    node = (stt, name, kids if kids is not None else v26)
    v25 = est25(node)
    pct = f"{v26 * 100.0 / v25:.1f}" if v25 else ""
    rows.append([stt, name, v25, v26, pct])
assert len(rows) >= 40, len(rows)
write_csv("so-tai-chinh/du-toan-ngan-sach-2026/du-toan-thu-chi-2026.csv",
          ["stt", "noi_dung", "uoc_thuc_hien_2025", "du_toan_2026", "so_sanh"], rows)
by = {r[1]: r for r in rows}
print("  tổng thu NSNN", by["TỔNG THU NGÂN SÁCH NHÀ NƯỚC TRÊN ĐỊA BÀN"][3],
      "thu NSĐP", tong_thu_nsdp, "chi NSĐP", tong_chi, "CCTL", cctl)
print("  thu nội địa", by["Thu nội địa"][3], "XNK", by["Thu từ hoạt động xuất khẩu, nhập khẩu"][3],
      "ĐTPT", by["Chi đầu tư phát triển"][3], "TX", by["Chi thường xuyên"][3])

# Balance summary (second table of the same dataset).
cd = [
    ["1", "Tổng thu ngân sách nhà nước trên địa bàn", by["TỔNG THU NGÂN SÁCH NHÀ NƯỚC TRÊN ĐỊA BÀN"][3]],
    ["1.1", "Trong đó: thu nội địa", by["Thu nội địa"][3]],
    ["2", "Tổng thu ngân sách địa phương", tong_thu_nsdp],
    ["3", "Tổng chi ngân sách địa phương", tong_chi],
    ["4", "Bội chi ngân sách địa phương", BOI_CHI],
    ["5", "Chi trả nợ gốc", 38000],
    ["6", "Tổng mức vay trong năm", 164000],
    ["7", "Dư nợ vay cuối năm", 612000],
]
write_csv("so-tai-chinh/du-toan-ngan-sach-2026/can-doi-ngan-sach-2026.csv", ["stt", "chi_tieu", "du_toan_2026"], cd)

# ---------------------------------------------------------------------------
# Final accounts 2024: same tree scaled, with carry-over rows.
scale = 0.84
qrows = []
leaf_dt, leaf_qt = {}, {}


def dt24(node):
    stt, name, v = node
    if isinstance(v, list):
        return sum(dt24(c) for c in v)
    if name not in leaf_dt:
        leaf_dt[name] = int(round(v * scale * rng.uniform(0.92, 1.05) / 100.0)) * 100
    return leaf_dt[name]


def qt24(node):
    stt, name, v = node
    if isinstance(v, list):
        return sum(qt24(c) for c in v)
    if name not in leaf_qt:
        lo, hi = (0.95, 1.06) if name.startswith("Chi") else (0.97, 1.30)
        if "bổ sung cân đối" in name:
            lo = hi = 1.0
        elif "bổ sung có mục tiêu" in name:
            lo, hi = 0.94, 0.98
        elif "được hưởng theo phân cấp" in name:
            lo, hi = 1.06, 1.09
        if "Dự phòng" in name or "tiền lương" in name:
            leaf_qt[name] = 0  # allocated to other items during the year
        else:
            leaf_qt[name] = int(round(dt24(node) * rng.uniform(lo, hi)))
    return leaf_qt[name]


TREE24 = [TREE[0], ("B", "TỔNG THU NGÂN SÁCH ĐỊA PHƯƠNG", THU_NSDP + [
    ("III", "Thu kết dư ngân sách năm trước", 0),
    ("IV", "Thu chuyển nguồn từ năm trước chuyển sang", 0),
]), TREE[2]]
leaf_dt["Thu kết dư ngân sách năm trước"] = 0
leaf_dt["Thu chuyển nguồn từ năm trước chuyển sang"] = 0
leaf_qt["Thu kết dư ngân sách năm trước"] = 214583
leaf_qt["Thu chuyển nguồn từ năm trước chuyển sang"] = 2863417
# Balance the 2024 estimate: spending = local revenue + deficit, through the wage-reform reserve.
_b, _c = dt24(TREE24[1]), dt24(TREE24[2])
leaf_dt["Chi tạo nguồn điều chỉnh tiền lương"] += _b + leaf_dt["Chi đầu tư từ nguồn bội chi ngân sách địa phương"] - _c
for depth, stt, name, kids, _ in flatten(TREE24):
    node = (stt, name, kids if kids is not None else 0)
    d, q = dt24(node), qt24(node)
    pct = f"{q * 100.0 / d:.1f}" if d else ""
    qrows.append([stt, name, d if d else "", q, pct])
qt_thu = qrows[[r[1] for r in qrows].index("TỔNG THU NGÂN SÁCH ĐỊA PHƯƠNG")][3]
qt_chi = qrows[[r[1] for r in qrows].index("TỔNG CHI NGÂN SÁCH ĐỊA PHƯƠNG")][3]
chuyen_nguon = int((qt_thu - qt_chi) * 0.86)
qrows.append(["D", "CHI CHUYỂN NGUỒN SANG NĂM SAU", "", chuyen_nguon, ""])
qrows.append(["E", "KẾT DƯ NGÂN SÁCH ĐỊA PHƯƠNG", "", qt_thu - qt_chi - chuyen_nguon, ""])
write_csv("so-tai-chinh/quyet-toan-ngan-sach-2024/quyet-toan-thu-chi-2024.csv",
          ["stt", "noi_dung", "du_toan", "quyet_toan", "so_sanh"], qrows)
print("  QT thu NSĐP", qt_thu, "QT chi NSĐP", qt_chi, "chuyển nguồn", chuyen_nguon, "kết dư", qt_thu - qt_chi - chuyen_nguon)

# ---------------------------------------------------------------------------
# Land-use plan 2026 of Huyện Cẩm Xuyên: semicolon + BOM + decimal comma (as Excel writes it).
LOAI = {
    "DGT": "Đất công trình giao thông", "DTL": "Đất công trình thủy lợi", "ONT": "Đất ở tại nông thôn",
    "ODT": "Đất ở tại đô thị", "DGD": "Đất xây dựng cơ sở giáo dục và đào tạo", "DYT": "Đất xây dựng cơ sở y tế",
    "DTT": "Đất xây dựng cơ sở thể dục, thể thao", "SKC": "Đất cơ sở sản xuất phi nông nghiệp",
    "SKN": "Đất khu công nghiệp, cụm công nghiệp", "TMD": "Đất thương mại, dịch vụ",
    "DNL": "Đất công trình năng lượng", "DRA": "Đất công trình xử lý chất thải", "DSH": "Đất xây dựng nhà văn hóa",
    "DCH": "Đất chợ", "NTD": "Đất nghĩa trang, nhà tang lễ", "DKV": "Đất khu vui chơi, giải trí công cộng",
    "CQP": "Đất quốc phòng", "TSC": "Đất xây dựng trụ sở cơ quan",
}
PROJ = [
    ("Đường bộ cao tốc Bắc – Nam phía Đông, đoạn qua huyện Cẩm Xuyên (phần diện tích còn lại)", "DGT", 18.4, "Xã Cẩm Quan", "Quyết định số 1185/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Đường gom và hầm chui dân sinh cao tốc Bắc – Nam", "DGT", 6.25, "Xã Cẩm Thịnh", "Quyết định số 1185/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Đường gom và hầm chui dân sinh cao tốc Bắc – Nam", "DGT", 4.8, "Xã Cẩm Hưng", "Quyết định số 1185/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Đường gom và hầm chui dân sinh cao tốc Bắc – Nam", "DGT", 3.95, "Xã Cẩm Duệ", "Quyết định số 1185/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Nâng cấp, mở rộng ĐT.550 đoạn Cẩm Quan – Cẩm Thịnh", "DGT", 7.32, "Xã Cẩm Quan", "Nghị quyết số 86/NQ-HĐND của HĐND tỉnh"),
    ("Nâng cấp, mở rộng ĐT.550 đoạn Cẩm Quan – Cẩm Thịnh", "DGT", 5.1, "Xã Cẩm Thịnh", "Nghị quyết số 86/NQ-HĐND của HĐND tỉnh"),
    ("Đường ven biển đoạn Cẩm Nhượng – Cẩm Lĩnh", "DGT", 12.6, "Xã Cẩm Nhượng", "Nghị quyết số 86/NQ-HĐND của HĐND tỉnh"),
    ("Đường ven biển đoạn Cẩm Nhượng – Cẩm Lĩnh", "DGT", 9.45, "Xã Cẩm Lĩnh", "Nghị quyết số 86/NQ-HĐND của HĐND tỉnh"),
    ("Đường trục chính khu đô thị mới Bắc thị trấn Cẩm Xuyên", "DGT", 3.6, "Thị trấn Cẩm Xuyên", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Kè chống sạt lở bờ sông Hội đoạn qua thị trấn", "DTL", 2.15, "Thị trấn Cẩm Xuyên", "Quyết định số 2210/QĐ-UBND của UBND tỉnh"),
    ("Nâng cấp kênh chính hồ Kẻ Gỗ đoạn qua xã Cẩm Mỹ", "DTL", 1.85, "Xã Cẩm Mỹ", "Quyết định số 2210/QĐ-UBND của UBND tỉnh"),
    ("Nạo vét, gia cố kênh tiêu thoát lũ xã Cẩm Thạch", "DTL", 1.2, "Xã Cẩm Thạch", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Khu tái định cư dự án cao tốc Bắc – Nam tại thôn Quan Trung", "ONT", 2.4, "Xã Cẩm Quan", "Quyết định số 1185/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Khu tái định cư dự án cao tốc Bắc – Nam tại thôn Thịnh Long", "ONT", 1.65, "Xã Cẩm Thịnh", "Quyết định số 1185/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Khu đô thị mới Bắc thị trấn Cẩm Xuyên (giai đoạn 2)", "ODT", 14.2, "Thị trấn Cẩm Xuyên", "Quyết định số 3412/QĐ-UBND của UBND tỉnh"),
    ("Khu dân cư Tổ dân phố 5, thị trấn Cẩm Xuyên", "ODT", 2.35, "Thị trấn Cẩm Xuyên", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Thành Tân", "ONT", 1.8, "Xã Cẩm Thành", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Quang Lĩnh", "ONT", 1.25, "Xã Cẩm Quang", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Hà Trung", "ONT", 0.95, "Xã Cẩm Hà", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Sơn Long", "ONT", 0.72, "Xã Cẩm Sơn", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Lạc Thịnh", "ONT", 0.86, "Xã Cẩm Lạc", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Minh Hà", "ONT", 0.64, "Xã Cẩm Minh", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Trung Hòa", "ONT", 0.9, "Xã Cẩm Trung", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Lộc Yên", "ONT", 0.55, "Xã Cẩm Lộc", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Yên Thành", "ONT", 1.1, "Xã Yên Hòa", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Quy hoạch dân cư thôn Nam Thăng", "ONT", 0.78, "Xã Nam Phúc Thăng", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Trường Mầm non xã Cẩm Dương (mở rộng)", "DGD", 0.35, "Xã Cẩm Dương", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Trường Tiểu học Cẩm Duệ (mở rộng)", "DGD", 0.28, "Xã Cẩm Duệ", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Trường THCS Cẩm Hưng (mở rộng)", "DGD", 0.42, "Xã Cẩm Hưng", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Mở rộng Bệnh viện Đa khoa huyện Cẩm Xuyên", "DYT", 1.5, "Thị trấn Cẩm Xuyên", "Quyết định số 2210/QĐ-UBND của UBND tỉnh"),
    ("Trạm Y tế xã Nam Phúc Thăng", "DYT", 0.25, "Xã Nam Phúc Thăng", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Sân vận động trung tâm xã Cẩm Lạc", "DTT", 1.05, "Xã Cẩm Lạc", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Cụm công nghiệp Cẩm Quan (mở rộng)", "SKN", 15.0, "Xã Cẩm Quan", "Quyết định số 3050/QĐ-UBND của UBND tỉnh"),
    ("Cụm công nghiệp Nam Thiên Cầm", "SKN", 20.5, "Xã Cẩm Lĩnh", "Quyết định số 3050/QĐ-UBND của UBND tỉnh"),
    ("Nhà máy chế biến lâm sản Cẩm Thịnh", "SKC", 3.2, "Xã Cẩm Thịnh", "Văn bản chấp thuận chủ trương đầu tư số 412/UBND-XD1"),
    ("Khu dịch vụ du lịch ven biển Thiên Cầm", "TMD", 8.75, "Thị trấn Thiên Cầm", "Quyết định số 3412/QĐ-UBND của UBND tỉnh"),
    ("Khu dịch vụ du lịch sinh thái hồ Kẻ Gỗ", "TMD", 5.4, "Xã Cẩm Mỹ", "Quyết định số 3412/QĐ-UBND của UBND tỉnh"),
    ("Cửa hàng xăng dầu Cẩm Hà", "TMD", 0.3, "Xã Cẩm Hà", "Văn bản chấp thuận chủ trương đầu tư số 518/UBND-XD1"),
    ("Đường dây 110 kV và trạm biến áp Cẩm Xuyên 2", "DNL", 1.15, "Xã Cẩm Thành", "Quyết định số 500/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Điện mặt trời áp mái kết hợp trạm sạc điện Cẩm Thạch", "DNL", 0.45, "Xã Cẩm Thạch", "Quyết định số 500/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Khu xử lý chất thải rắn tập trung huyện Cẩm Xuyên (giai đoạn 2)", "DRA", 4.6, "Xã Cẩm Quan", "Quyết định số 2210/QĐ-UBND của UBND tỉnh"),
    ("Nhà văn hóa thôn Quan Nam", "DSH", 0.12, "Xã Cẩm Quan", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Nhà văn hóa thôn Dương Hải", "DSH", 0.1, "Xã Cẩm Dương", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Chợ trung tâm xã Cẩm Trung", "DCH", 0.65, "Xã Cẩm Trung", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Chợ cá Cẩm Nhượng (mở rộng)", "DCH", 0.8, "Xã Cẩm Nhượng", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Nghĩa trang nhân dân xã Cẩm Quan (di dời mộ dự án cao tốc)", "NTD", 2.2, "Xã Cẩm Quan", "Quyết định số 1185/QĐ-TTg của Thủ tướng Chính phủ"),
    ("Nhà tang lễ huyện Cẩm Xuyên", "NTD", 1.4, "Xã Cẩm Quang", "Quyết định số 2210/QĐ-UBND của UBND tỉnh"),
    ("Công viên cây xanh trung tâm thị trấn Cẩm Xuyên", "DKV", 2.8, "Thị trấn Cẩm Xuyên", "Quyết định số 3412/QĐ-UBND của UBND tỉnh"),
    ("Thao trường huấn luyện dân quân tự vệ huyện", "CQP", 3.0, "Xã Cẩm Sơn", "Văn bản số 1256/BQP-TM của Bộ Quốc phòng"),
    ("Trụ sở Công an xã Cẩm Lộc", "TSC", 0.2, "Xã Cẩm Lộc", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
    ("Trụ sở Công an xã Yên Hòa", "TSC", 0.18, "Xã Yên Hòa", "Nghị quyết số 21/NQ-HĐND của HĐND huyện"),
]


def vn_dec(x):
    return f"{x:.2f}".replace(".", ",")


kh = []
for i, (ten, ma, dt, xa, cc) in enumerate(PROJ, 1):
    lua = round(dt * rng.choice([0, 0, 0.2, 0.35, 0.5]), 2) if ma not in ("TMD", "ODT") else 0
    kh.append([i, ten, ma, LOAI[ma], vn_dec(dt), vn_dec(lua), xa, cc])
write_csv("ubnd-huyen-cam-xuyen/ke-hoach-su-dung-dat-2026/danh-muc-cong-trinh-du-an.csv",
          ["stt", "ten_cong_trinh", "ma_loai_dat", "loai_dat", "dien_tich", "trong_do_dat_lua", "xa", "can_cu"],
          kh, sep=";", bom=True)
print("  tổng diện tích", round(sum(p[2] for p in PROJ), 2), "ha")

# ---------------------------------------------------------------------------
# Compensation unit prices (đồng).
don_gia = []


def dg(loai, ten, specs, unit):
    for q, p in specs:
        don_gia.append([loai, ten, q, unit, p])


SIZES = ["Đường kính gốc dưới 2 cm (mới trồng)", "Đường kính gốc từ 2 cm đến dưới 5 cm",
         "Đường kính gốc từ 5 cm đến dưới 10 cm", "Đường kính gốc từ 10 cm trở lên (đang cho quả)"]
for ten, base in [("Bưởi Phúc Trạch", 1.0), ("Cam chanh, cam bù", 0.85), ("Nhãn", 0.7), ("Mít", 0.6),
                  ("Xoài", 0.62), ("Chanh", 0.35)]:
    dg("Cây ăn quả", ten, zip(SIZES, [int(base * x) // 1000 * 1000 for x in (60000, 210000, 650000, 1450000)]), "cây")
dg("Cây ăn quả", "Chuối", [("Cây chưa có buồng", 45000), ("Cây đã có buồng", 90000)], "cây")
dg("Cây ăn quả", "Dừa", [("Chiều cao thân dưới 1 m", 150000), ("Đang cho quả", 950000)], "cây")
dg("Cây công nghiệp", "Chè xanh", [("Trồng dưới 1 năm", 9000), ("Đang thu hoạch", 32000)], "m²")
dg("Cây công nghiệp", "Cau", [("Chưa có quả", 120000), ("Đang cho quả", 480000)], "cây")
for ten, base in [("Keo lai", 1.0), ("Bạch đàn", 0.9), ("Thông nhựa", 1.3)]:
    dg("Cây lấy gỗ", ten, zip(["Mật độ trồng ổn định, dưới 2 năm tuổi", "Từ 2 năm đến dưới 4 năm tuổi",
                              "Từ 4 năm tuổi trở lên"], [int(base * x) // 100 * 100 for x in (6500, 14000, 23000)]), "m²")
dg("Cây lấy gỗ", "Cây lát hoa, xoan, bạch đàn trồng phân tán", [("Đường kính thân từ 10 cm đến dưới 20 cm", 180000),
                                                                 ("Đường kính thân từ 20 cm trở lên", 420000)], "cây")
dg("Cây hằng năm", "Lúa", [("Lúa nước (tính theo vụ)", 9800)], "m²")
dg("Cây hằng năm", "Lạc", [("Tính theo vụ", 11500)], "m²")
dg("Cây hằng năm", "Ngô", [("Tính theo vụ", 7200)], "m²")
dg("Cây hằng năm", "Khoai lang", [("Tính theo vụ", 6800)], "m²")
dg("Cây hằng năm", "Rau các loại", [("Rau ăn lá, thâm canh", 14000), ("Rau gia vị", 16500)], "m²")
dg("Cây hằng năm", "Dưa hấu", [("Đã có quả", 18000)], "m²")
dg("Vật nuôi", "Cá nuôi ao (trắm, trôi, mè)", [("Nuôi dưới 6 tháng", 15000), ("Nuôi từ 6 tháng trở lên", 24000)], "m² mặt nước")
dg("Vật nuôi", "Tôm thẻ chân trắng", [("Ao lót bạt, đang nuôi", 52000)], "m² mặt nước")
dg("Vật kiến trúc", "Nhà cấp IV", [("Tường xây gạch 110 mm, mái ngói hoặc tôn, nền lát gạch", 3150000),
                                     ("Tường xây gạch 220 mm, mái bằng bê tông cốt thép", 4650000)], "m² sàn")
dg("Vật kiến trúc", "Nhà ở 2 tầng", [("Khung bê tông cốt thép, mái bằng, hoàn thiện trung bình", 6850000),
                                      ("Khung bê tông cốt thép, mái bằng, hoàn thiện khá", 7900000)], "m² sàn")
dg("Vật kiến trúc", "Nhà ở 3 tầng trở lên", [("Khung bê tông cốt thép, móng cọc", 8400000)], "m² sàn")
dg("Vật kiến trúc", "Nhà bếp, công trình phụ", [("Tường gạch, mái ngói hoặc tôn", 2350000)], "m² sàn")
dg("Vật kiến trúc", "Chuồng trại chăn nuôi", [("Tường gạch, mái tôn hoặc ngói fibro xi măng", 1250000),
                                              ("Khung tre, gỗ tạp, mái lá", 420000)], "m² sàn")
dg("Vật kiến trúc", "Nhà tạm", [("Khung gỗ hoặc tre, mái tôn, vách tôn", 680000)], "m² sàn")
dg("Vật kiến trúc", "Tường rào", [("Xây gạch 110 mm, cao dưới 1,5 m, có trụ", 480000),
                                  ("Xây gạch 220 mm, có trụ", 820000), ("Song sắt trên tường xây", 650000)], "m²")
dg("Vật kiến trúc", "Cổng", [("Trụ xây gạch, cánh sắt", 1850000)], "m²")
dg("Vật kiến trúc", "Sân", [("Bê tông không cốt thép, dày 10 cm", 215000), ("Lát gạch đỏ hoặc gạch xi măng", 165000)], "m²")
dg("Vật kiến trúc", "Giếng đào", [("Thành xây gạch hoặc ống bi bê tông, đường kính 0,8–1 m", 1150000)], "m sâu")
dg("Vật kiến trúc", "Giếng khoan", [("Ống nhựa D48–D60, sâu dưới 30 m", 4500000), ("Ống nhựa D48–D60, sâu từ 30 m trở lên", 7800000)], "giếng")
dg("Vật kiến trúc", "Bể nước", [("Xây gạch, trát vữa xi măng, có nắp", 1650000)], "m³")
dg("Vật kiến trúc", "Bể biogas", [("Xây gạch, dung tích đến 10 m³", 9500000)], "bể")
dg("Vật kiến trúc", "Mộ", [("Mộ đất", 6500000), ("Mộ xây gạch, chưa cải táng", 15000000),
                            ("Mộ xây đã cải táng, có bia", 9500000)], "mộ")
for i, r in enumerate(don_gia, 1):
    r.insert(0, i)
write_csv("ubnd-tinh/don-gia-boi-thuong-tai-san/don-gia-boi-thuong.csv",
          ["stt", "loai", "ten", "quy_cach", "don_vi", "don_gia"], don_gia)

# ---------------------------------------------------------------------------
# Minimal valid PDFs (ASCII text; Helvetica has no Vietnamese glyphs, so text is unaccented).


def pdf(rel, lines):
    esc = lambda s: s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = "BT /F1 11 Tf 56 790 Td 14 TL\n" + "".join(f"({esc(l)}) '\n" for l in lines) + "ET\n"
    objs = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}endstream",
    ]
    out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += f"{i} 0 obj\n{o}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offs).encode()
    out += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(out)
    print("pdf ->", rel, len(out), "bytes")


DEMO = "DU LIEU MINH HOA - khong co gia tri phap ly (demo data)"
pdf("ubnd-tinh/files/6733-ubnd-kstt.pdf", [
    "UY BAN NHAN DAN TINH HA TINH", "CONG HOA XA HOI CHU NGHIA VIET NAM", "Doc lap - Tu do - Hanh phuc", "",
    "So: 6733/UBND-KSTT          Ha Tinh, ngay 20 thang 11 nam 2026", "",
    "V/v khac phuc han che, yeu kem trong cong tac cai cach hanh chinh", "",
    "Kinh gui: Cac so, ban, nganh cap tinh; UBND cac huyen, thanh pho, thi xa.", "",
    "(Ban scan van ban - noi dung day du xem tren Cong thong tin cong khai)", "",
    "KT. CHU TICH - PHO CHU TICH", "Le Van Khanh", "", DEMO])
pdf("so-tai-chinh/files/qd-cong-khai-du-toan-2026.pdf", [
    "UY BAN NHAN DAN TINH HA TINH", "So: 3815/QD-UBND          Ha Tinh, ngay 18 thang 12 nam 2025", "",
    "QUYET DINH", "Ve viec cong bo cong khai so lieu du toan ngan sach dia phuong nam 2026", "",
    "Tong thu NSNN tren dia ban: xem Bieu so 01 kem theo.", "Tong chi NSDP: xem Bieu so 02 kem theo.", "", DEMO])
pdf("so-tai-chinh/files/qd-cong-khai-quyet-toan-2024.pdf", [
    "UY BAN NHAN DAN TINH HA TINH", "So: 3902/QD-UBND          Ha Tinh, ngay 26 thang 12 nam 2025", "",
    "QUYET DINH", "Ve viec cong bo cong khai quyet toan ngan sach dia phuong nam 2024", "", DEMO])
pdf("ubnd-huyen-cam-xuyen/files/pa-boi-thuong-cao-toc-cam-quan.pdf", [
    "UY BAN NHAN DAN HUYEN CAM XUYEN", "So: 2468/QD-UBND          Cam Xuyen, ngay 14 thang 10 nam 2026", "",
    "QUYET DINH", "Phe duyet phuong an boi thuong, ho tro va tai dinh cu",
    "Du an duong bo cao toc Bac - Nam phia Dong, doan qua xa Cam Quan (dot 3)", "",
    "Tong kinh phi: 22.144.699.800 dong", "So ho bi anh huong: 64 ho; so ho phai tai dinh cu: 7 ho; di doi 23 mo", "", DEMO])
pdf("so-tai-nguyen-moi-truong/files/du-thao-bang-gia-dat-2027.pdf", [
    "UY BAN NHAN DAN TINH HA TINH", "DU THAO", "", "QUYET DINH",
    "Sua doi, bo sung Bang gia dat tren dia ban tinh Ha Tinh ap dung tu ngay 01/01/2027", "",
    "Lay y kien tu 10/11/2026 den het ngay 31/12/2026", "", DEMO])
pdf("ubnd-xa-cam-quan/files/bien-ban-niem-yet-cao-toc.pdf", [
    "UY BAN NHAN DAN XA CAM QUAN", "BIEN BAN", "Niem yet cong khai du thao phuong an boi thuong, ho tro va tai dinh cu",
    "Du an duong bo cao toc Bac - Nam phia Dong, doan qua xa Cam Quan (dot 3)", "",
    "Thoi gian niem yet: tu ngay 25/8/2026 den het ngay 24/9/2026", "Dia diem: Tru so UBND xa va nha van hoa cac thon", "", DEMO])
