#!/usr/bin/env python3
"""Generate the demo land price table of Huyện Cẩm Xuyên (fictional prices, real commune names).

Run from anywhere:  python3 demo/_tools/gen_land_prices.py
Writes demo/site/so-tai-nguyen-moi-truong/bang-gia-dat-o-huyen-cam-xuyen/bang-gia-dat-o.csv
(comma-separated UTF-8, plain-digit prices in nghìn đồng/m²). The folder name starts with "_" so the
portal ignores it. Fixed seed: re-running gives the same file.
"""
import csv
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "site", "so-tai-nguyen-moi-truong", "bang-gia-dat-o-huyen-cam-xuyen", "bang-gia-dat-o.csv")

rng = random.Random(20260101)


def r50(x):
    return int(round(x / 50.0)) * 50


def prices(lo, hi):
    v1 = r50(rng.uniform(lo, hi))
    v2 = r50(v1 * rng.uniform(0.52, 0.60))
    v3 = r50(v1 * rng.uniform(0.34, 0.40))
    v4 = r50(v1 * rng.uniform(0.22, 0.27))
    v4 = max(v4, 50)
    v3 = max(v3, v4 + 50)
    v2 = max(v2, v3 + 50)
    assert v1 > v2 > v3 > v4 > 0
    return v1, v2, v3, v4


rows = []


def add(commune, road, segs, lo, hi, step=0.0):
    """segs: list of (from, to). Price decreases by `step` share along the road."""
    for i, (a, b) in enumerate(segs):
        f = 1.0 - step * i
        rows.append([commune, road, a, b, *prices(lo * f, hi * f)])


# --- Thị trấn Cẩm Xuyên (district seat) ---
TT = "Thị trấn Cẩm Xuyên"
add(TT, "Quốc lộ 1A", [
    ("Giáp xã Cẩm Quang", "Cầu Hội"),
    ("Cầu Hội", "Ngã tư Trung tâm thị trấn"),
    ("Ngã tư Trung tâm thị trấn", "Bến xe Cẩm Xuyên"),
    ("Bến xe Cẩm Xuyên", "Cổng Bệnh viện Đa khoa huyện"),
    ("Cổng Bệnh viện Đa khoa huyện", "Giáp xã Cẩm Thành"),
], 11500, 14500, 0.08)
add(TT, "Trần Hưng Đạo", [
    ("Quốc lộ 1A (Ngã tư Trung tâm)", "Đường Hà Huy Tập"),
    ("Đường Hà Huy Tập", "Đường Nguyễn Trãi"),
    ("Đường Nguyễn Trãi", "Chợ Cẩm Xuyên"),
    ("Chợ Cẩm Xuyên", "Đường Lê Duẩn"),
    ("Đường Lê Duẩn", "Đường tránh Quốc lộ 1A"),
    ("Đường tránh Quốc lộ 1A", "Hết địa phận thị trấn"),
], 9500, 12000, 0.09)
add(TT, "Hà Huy Tập", [
    ("Quốc lộ 1A", "Đường Trần Hưng Đạo"),
    ("Đường Trần Hưng Đạo", "Trụ sở Huyện ủy"),
    ("Trụ sở Huyện ủy", "Đường Phan Đình Phùng"),
    ("Đường Phan Đình Phùng", "Hết đường"),
], 8000, 10500, 0.1)
add(TT, "Lê Lợi", [
    ("Quốc lộ 1A", "Đường Trần Hưng Đạo"),
    ("Đường Trần Hưng Đạo", "Trường THPT Cẩm Xuyên"),
    ("Trường THPT Cẩm Xuyên", "Hết đường"),
], 6500, 8500, 0.12)
add(TT, "Nguyễn Trãi", [
    ("Đường Trần Hưng Đạo", "Đường Lê Lợi"),
    ("Đường Lê Lợi", "Đường Nguyễn Du"),
    ("Đường Nguyễn Du", "Hết đường"),
], 5800, 7500, 0.12)
add(TT, "Phan Đình Phùng", [
    ("Quốc lộ 1A", "Đường Hà Huy Tập"),
    ("Đường Hà Huy Tập", "Hết đường"),
], 5500, 7000, 0.12)
add(TT, "Nguyễn Du", [
    ("Quốc lộ 1A", "Đường Nguyễn Trãi"),
    ("Đường Nguyễn Trãi", "Khu dân cư Tổ dân phố 5"),
    ("Khu dân cư Tổ dân phố 5", "Hết đường"),
], 5000, 6800, 0.1)
add(TT, "Lê Duẩn", [
    ("Đường Trần Hưng Đạo", "Đường Ngô Quyền"),
    ("Đường Ngô Quyền", "Hết đường"),
], 5200, 6500, 0.1)
add(TT, "Ngô Quyền", [("Quốc lộ 1A", "Đường Lê Duẩn"), ("Đường Lê Duẩn", "Hết đường")], 4200, 5500, 0.1)
add(TT, "Lý Tự Trọng", [("Đường Hà Huy Tập", "Đường Lê Lợi"), ("Đường Lê Lợi", "Hết đường")], 4000, 5200, 0.1)
add(TT, "Hàm Nghi", [("Quốc lộ 1A", "Sân vận động huyện"), ("Sân vận động huyện", "Hết đường")], 4500, 5800, 0.1)
add(TT, "Nguyễn Thị Minh Khai", [("Đường Trần Hưng Đạo", "Trường Tiểu học thị trấn"), ("Trường Tiểu học thị trấn", "Hết đường")], 3800, 4800, 0.1)
add(TT, "Phan Bội Châu", [("Quốc lộ 1A", "Đường Nguyễn Du"), ("Đường Nguyễn Du", "Hết đường")], 3800, 4600, 0.1)
add(TT, "Mai Thúc Loan", [("Đường Hà Huy Tập", "Hết đường")], 3500, 4300)
add(TT, "Nguyễn Biểu", [("Đường Lê Lợi", "Hết đường")], 3300, 4000)
add(TT, "Võ Nguyên Giáp (đường tránh Quốc lộ 1A)", [
    ("Giáp xã Cẩm Quang", "Nút giao Đường Trần Hưng Đạo"),
    ("Nút giao Đường Trần Hưng Đạo", "Giáp xã Cẩm Thành"),
], 5500, 7000, 0.1)
add(TT, "Đường Cẩm Xuyên – Thiên Cầm (ĐT.549)", [
    ("Quốc lộ 1A", "Cầu Trung Lương"),
    ("Cầu Trung Lương", "Giáp xã Cẩm Thành"),
], 6000, 7500, 0.15)
add(TT, "Đường nội bộ khu đô thị mới Bắc thị trấn", [
    ("Mặt cắt đường từ 15 m trở lên", ""),
    ("Mặt cắt đường từ 10,5 m đến dưới 15 m", ""),
    ("Mặt cắt đường dưới 10,5 m", ""),
], 4200, 5200, 0.15)
add(TT, "Các tuyến đường tổ dân phố còn lại", [
    ("Đường rộng từ 5 m trở lên", ""),
    ("Đường rộng từ 3 m đến dưới 5 m", ""),
    ("Đường rộng dưới 3 m", ""),
], 2200, 2800, 0.2)

# --- Thị trấn Thiên Cầm (coastal tourist town) ---
TC = "Thị trấn Thiên Cầm"
add(TC, "Đường Cẩm Xuyên – Thiên Cầm (ĐT.549)", [
    ("Giáp xã Cẩm Dương", "Ngã ba Đường ven biển"),
    ("Ngã ba Đường ven biển", "Quảng trường biển Thiên Cầm"),
], 6500, 8000, 0.05)
add(TC, "Đường ven biển Thiên Cầm", [
    ("Giáp xã Cẩm Nhượng", "Chùa Cầm Sơn"),
    ("Chùa Cầm Sơn", "Quảng trường biển Thiên Cầm"),
    ("Quảng trường biển Thiên Cầm", "Giáp xã Cẩm Dương"),
], 7500, 9500, 0.08)
add(TC, "Xuân Diệu", [("Đường ven biển", "Đường Cẩm Xuyên – Thiên Cầm"), ("Đường Cẩm Xuyên – Thiên Cầm", "Hết đường")], 5000, 6500, 0.1)
add(TC, "Nguyễn Du", [("Đường ven biển", "Trụ sở UBND thị trấn"), ("Trụ sở UBND thị trấn", "Hết đường")], 4500, 5800, 0.1)
add(TC, "Hồ Xuân Hương", [("Đường Xuân Diệu", "Hết đường")], 3800, 4800)
add(TC, "Đường nội bộ khu du lịch Thiên Cầm", [
    ("Lô mặt tiền hướng biển", ""),
    ("Lô mặt tiền đường nội bộ rộng từ 12 m", ""),
    ("Lô mặt tiền đường nội bộ rộng dưới 12 m", ""),
], 5500, 7000, 0.12)
add(TC, "Các tuyến đường tổ dân phố còn lại", [
    ("Đường rộng từ 5 m trở lên", ""),
    ("Đường rộng từ 3 m đến dưới 5 m", ""),
    ("Đường rộng dưới 3 m", ""),
], 1800, 2400, 0.2)

# --- Communes (xã) ---
XA = [
    # name, on QL1A, provincial roads, hamlets
    ("Xã Cẩm Quang", True, ["ĐT.550"], ["Quang Trung", "Quang Lĩnh", "Quang Thịnh", "Quang Phúc"]),
    ("Xã Cẩm Thành", True, ["ĐT.549"], ["Thành Tân", "Thành Long", "Thành Phú", "Đông Thịnh"]),
    ("Xã Cẩm Thạch", True, ["ĐT.550"], ["Thạch Bắc", "Thạch Nam", "Thạch Hạ", "Hòa Bình"]),
    ("Xã Cẩm Hà", True, ["ĐT.554"], ["Hà Trung", "Hà Đông", "Hà Tây", "Hà Thanh"]),
    ("Xã Cẩm Quan", False, ["ĐT.550", "Đường cao tốc Bắc – Nam (đường gom)"], ["Quan Trung", "Quan Nam", "Quan Bắc", "Tân Quan"]),
    ("Xã Cẩm Thịnh", False, ["ĐT.550", "Đường cao tốc Bắc – Nam (đường gom)"], ["Thịnh Long", "Thịnh Hòa", "Thịnh Lạc", "Thịnh Tiến"]),
    ("Xã Cẩm Hưng", False, ["ĐT.550", "Đường cao tốc Bắc – Nam (đường gom)"], ["Hưng Mỹ", "Hưng Phú", "Hưng Lợi", "Hưng Thái"]),
    ("Xã Cẩm Duệ", False, ["ĐT.550", "Đường cao tốc Bắc – Nam (đường gom)"], ["Duệ Thượng", "Duệ Hạ", "Tân Duệ", "Bình Duệ"]),
    ("Xã Cẩm Mỹ", False, ["Đường cao tốc Bắc – Nam (đường gom)", "Đường Cẩm Mỹ – Hồ Kẻ Gỗ"], ["Mỹ Hòa", "Mỹ Thượng", "Mỹ Trung", "Mỹ Lâm"]),
    ("Xã Cẩm Sơn", False, ["ĐT.554"], ["Sơn Long", "Sơn Hà", "Sơn Bình", "Sơn Phú"]),
    ("Xã Cẩm Lạc", False, ["ĐT.554"], ["Lạc Thịnh", "Lạc Thủy", "Lạc Hòa", "Lạc Tiến"]),
    ("Xã Cẩm Minh", False, ["ĐT.554"], ["Minh Hà", "Minh Đức", "Minh Tiến", "Minh Phú"]),
    ("Xã Cẩm Trung", False, ["ĐT.554"], ["Trung Hòa", "Trung Thành", "Trung Phú", "Trung Lộc"]),
    ("Xã Cẩm Lộc", False, ["ĐT.554"], ["Lộc Yên", "Lộc Thanh", "Lộc Hà", "Lộc Tiến"]),
    ("Xã Cẩm Lĩnh", False, ["Đường ven biển"], ["Lĩnh Bắc", "Lĩnh Nam", "Lĩnh Tân", "Lĩnh Hải"]),
    ("Xã Cẩm Nhượng", False, ["Đường ven biển", "ĐT.549"], ["Nhượng Bắc", "Nhượng Nam", "Xuân Nhượng", "Hải Nhượng"]),
    ("Xã Cẩm Dương", False, ["ĐT.549", "Đường ven biển"], ["Dương Hải", "Dương Xuân", "Dương Thành", "Dương Phú"]),
    ("Xã Yên Hòa", False, ["ĐT.549"], ["Yên Thành", "Yên Thịnh", "Yên Lạc", "Yên Phú"]),
    ("Xã Nam Phúc Thăng", False, ["ĐT.549", "Đường ven biển"], ["Nam Thăng", "Phúc Thăng", "Nam Phúc", "Thăng Long"]),
]

for name, ql1a, roads, hamlets in XA:
    short = name.replace("Xã ", "xã ")
    if ql1a:
        add(name, "Quốc lộ 1A", [
            ("Giáp địa phận phía Bắc " + short, "Ngã ba vào trụ sở UBND " + short),
            ("Ngã ba vào trụ sở UBND " + short, "Cầu thôn " + hamlets[1]),
            ("Cầu thôn " + hamlets[1], "Giáp địa phận phía Nam " + short),
        ], 4800, 6500, 0.1)
    for rd in roads:
        if rd.startswith("ĐT."):
            add(name, rd, [
                ("Giáp địa phận " + short, "Chợ " + short),
                ("Chợ " + short, "Trường THCS " + short.replace("xã ", "")),
                ("Trường THCS " + short.replace("xã ", ""), "Hết địa phận " + short),
            ], 2400, 3600, 0.15)
        elif rd.startswith("Đường cao tốc"):
            add(name, rd, [
                ("Đầu đường gom địa phận " + short, "Hầm chui dân sinh thôn " + hamlets[0]),
                ("Hầm chui dân sinh thôn " + hamlets[0], "Hết địa phận " + short),
            ], 1400, 2000, 0.1)
        elif rd == "Đường ven biển":
            add(name, rd, [
                ("Giáp địa phận " + short, "Bến cá thôn " + hamlets[3]),
                ("Bến cá thôn " + hamlets[3], "Hết địa phận " + short),
            ], 3000, 4200, 0.1)
        else:
            add(name, rd, [
                ("Ngã ba thôn " + hamlets[2], "Cổng Khu du lịch hồ Kẻ Gỗ"),
            ], 1800, 2400)
    add(name, "Đường liên xã", [
        ("Trụ sở UBND " + short, "Ngã ba thôn " + hamlets[0]),
        ("Ngã ba thôn " + hamlets[0], "Giáp xã lân cận"),
    ], 1300, 1900, 0.12)
    add(name, "Đường trục xã", [
        ("Trụ sở UBND " + short, "Trạm Y tế xã"),
        ("Trạm Y tế xã", "Nhà văn hóa thôn " + hamlets[1]),
        ("Nhà văn hóa thôn " + hamlets[1], "Nhà văn hóa thôn " + hamlets[2]),
    ], 1000, 1500, 0.1)
    for h in hamlets:
        add(name, "Đường trục thôn " + h, [("Toàn tuyến", "")], 550, 950)
    add(name, "Các vị trí còn lại", [
        ("Đường bê tông rộng từ 3 m trở lên", ""),
        ("Đường đất hoặc đường rộng dưới 3 m", ""),
    ], 380, 520, 0.2)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w", encoding="utf-8", newline="") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(["stt", "xa_phuong", "ten_duong", "doan_tu", "doan_den", "vt1", "vt2", "vt3", "vt4"])
    for i, r in enumerate(rows, 1):
        w.writerow([i, *r])
print(len(rows), "rows ->", os.path.normpath(OUT))
