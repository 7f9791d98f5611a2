// The built-in gazetteer: China's 34 provincial-level divisions, its largest prefecture-level
// cities, the world's countries and the places of the shared test data, with the rule that
// attaches places to a dataset's extent.
#include "search/gazetteer.hpp"

#include <algorithm>
#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace shikong::search {

namespace {

// A place given by its bounding box (EPSG:4490 degrees). A place across the antimeridian or with
// far-away parts has several rows with the same names; places_for reports it once.
struct BoxRow {
  std::string_view zh;
  std::string_view en;
  double min_x, min_y, max_x, max_y;
};

// A province (or state) and the English name of its country.
struct SubdivisionRow {
  std::string_view zh;
  std::string_view en;
  std::string_view parent;
  double min_x, min_y, max_x, max_y;
};

// A city given by its centre and the English name of its province (or of its country where the
// table has no province for it); its box is centre +- city_half_size degrees.
struct CentreRow {
  std::string_view zh;
  std::string_view en;
  std::string_view parent;
  double x, y;
};

constexpr double city_half_size = 0.3;

// Boxes of the countries: Natural Earth 1:110m outlines rounded outwards to 0.1 degree, except
// where the outline crosses the antimeridian or includes overseas parts (set by hand). Taiwan,
// Hong Kong and Macao are provincial-level divisions of China (below).
constexpr BoxRow countries[] = {
    {"阿富汗", "Afghanistan", 60.5, 29.3, 75.2, 38.5},
    {"阿尔巴尼亚", "Albania", 19.3, 39.6, 21.1, 42.7},
    {"阿尔及利亚", "Algeria", -8.7, 19.0, 12.0, 37.2},
    {"安哥拉", "Angola", 11.6, -18.0, 24.1, -4.4},
    {"南极洲", "Antarctica", -180.0, -90.0, 180.0, -60.0},
    {"阿根廷", "Argentina", -73.5, -55.3, -53.6, -21.8},
    {"亚美尼亚", "Armenia", 43.5, 38.7, 46.6, 41.3},
    {"澳大利亚", "Australia", 113.3, -43.7, 153.6, -10.6},
    {"奥地利", "Austria", 9.4, 46.4, 17.0, 49.1},
    {"阿塞拜疆", "Azerbaijan", 44.7, 38.2, 50.4, 41.9},
    {"巴哈马", "Bahamas", -79.0, 23.7, -77.0, 27.1},
    {"巴林", "Bahrain", 50.37, 25.79, 50.67, 26.29},
    {"孟加拉国", "Bangladesh", 88.0, 20.6, 92.7, 26.5},
    {"白俄罗斯", "Belarus", 23.1, 51.3, 32.7, 56.2},
    {"比利时", "Belgium", 2.5, 49.5, 6.2, 51.5},
    {"伯利兹", "Belize", -89.3, 15.8, -88.1, 18.5},
    {"贝宁", "Benin", 0.7, 6.1, 3.8, 12.3},
    {"不丹", "Bhutan", 88.8, 26.7, 92.2, 28.3},
    {"玻利维亚", "Bolivia", -69.6, -22.9, -57.4, -9.7},
    {"波黑", "Bosnia and Herzegovina", 15.7, 42.6, 19.6, 45.3},
    {"博茨瓦纳", "Botswana", 19.8, -26.9, 29.5, -17.6},
    {"巴西", "Brazil", -74.0, -33.8, -34.7, 5.3},
    {"文莱", "Brunei", 114.2, 4.0, 115.5, 5.5},
    {"保加利亚", "Bulgaria", 22.3, 41.2, 28.6, 44.3},
    {"布基纳法索", "Burkina Faso", -5.5, 9.6, 2.2, 15.2},
    {"布隆迪", "Burundi", 29.0, -4.5, 30.8, -2.3},
    {"柬埔寨", "Cambodia", 102.3, 10.4, 107.7, 14.6},
    {"喀麦隆", "Cameroon", 8.4, 1.7, 16.1, 12.9},
    {"加拿大", "Canada", -141.0, 41.6, -52.6, 83.3},
    {"中非", "Central African Republic", 14.4, 2.2, 27.4, 11.2},
    {"乍得", "Chad", 13.5, 7.4, 23.9, 23.5},
    {"智利", "Chile", -75.7, -55.7, -66.9, -17.5},
    {"中国", "China", 73.4, 18.1, 135.2, 53.6},
    {"哥伦比亚", "Colombia", -79.0, -4.3, -66.8, 12.5},
    {"刚果", "Congo", 11.0, -5.1, 18.5, 3.8},
    {"哥斯达黎加", "Costa Rica", -86.0, 8.2, -82.5, 11.3},
    {"克罗地亚", "Croatia", 13.6, 42.4, 19.4, 46.6},
    {"古巴", "Cuba", -85.0, 19.8, -74.1, 23.2},
    {"塞浦路斯", "Cyprus", 32.2, 34.5, 34.1, 35.2},
    {"捷克", "Czechia", 12.2, 48.5, 18.9, 51.2},
    {"科特迪瓦", "Côte d'Ivoire", -8.7, 4.3, -2.5, 10.6},
    {"刚果民主共和国", "Democratic Republic of the Congo", 12.1, -13.3, 31.2, 5.3},
    {"丹麦", "Denmark", 8.0, 54.8, 12.7, 57.8},
    {"吉布提", "Djibouti", 41.6, 10.9, 43.4, 12.7},
    {"多米尼加", "Dominican Republic", -72.0, 17.5, -68.3, 19.9},
    {"厄瓜多尔", "Ecuador", -81.0, -5.0, -75.2, 1.4},
    {"埃及", "Egypt", 24.7, 22.0, 36.9, 31.6},
    {"萨尔瓦多", "El Salvador", -90.1, 13.1, -87.7, 14.5},
    {"赤道几内亚", "Equatorial Guinea", 9.3, 1.0, 11.3, 2.3},
    {"厄立特里亚", "Eritrea", 36.3, 12.4, 43.1, 18.0},
    {"爱沙尼亚", "Estonia", 23.3, 57.4, 28.2, 59.7},
    {"斯威士兰", "Eswatini", 30.6, -27.3, 32.1, -25.6},
    {"埃塞俄比亚", "Ethiopia", 32.9, 3.4, 47.8, 15.0},
    {"斐济", "Fiji", 177.0, -19.2, 180.0, -16.0},
    {"斐济", "Fiji", -180.0, -19.2, -178.2, -15.7},
    {"芬兰", "Finland", 20.6, 59.8, 31.6, 70.2},
    {"法国", "France", -5.2, 41.3, 9.6, 51.1},
    {"加蓬", "Gabon", 8.7, -4.0, 14.5, 2.4},
    {"冈比亚", "Gambia", -16.9, 13.1, -13.8, 13.9},
    {"格鲁吉亚", "Georgia", 39.9, 41.0, 46.7, 43.6},
    {"德国", "Germany", 5.9, 47.3, 15.1, 55.0},
    {"加纳", "Ghana", -3.3, 4.7, 1.1, 11.1},
    {"希腊", "Greece", 20.1, 34.9, 26.7, 41.9},
    {"格陵兰", "Greenland", -73.3, 60.0, -12.2, 83.7},
    {"危地马拉", "Guatemala", -92.3, 13.7, -88.2, 17.9},
    {"几内亚", "Guinea", -15.2, 7.3, -7.8, 12.6},
    {"几内亚比绍", "Guinea-Bissau", -16.7, 11.0, -13.7, 12.7},
    {"圭亚那", "Guyana", -61.5, 1.2, -56.5, 8.4},
    {"海地", "Haiti", -74.5, 18.0, -71.6, 20.0},
    {"洪都拉斯", "Honduras", -89.4, 12.9, -83.1, 16.1},
    {"匈牙利", "Hungary", 16.2, 45.7, 22.8, 48.7},
    {"冰岛", "Iceland", -24.4, 63.4, -13.6, 66.6},
    {"印度", "India", 68.1, 7.9, 97.5, 35.5},
    {"印度尼西亚", "Indonesia", 95.2, -10.4, 141.1, 5.5},
    {"伊朗", "Iran", 44.1, 25.0, 63.4, 39.8},
    {"伊拉克", "Iraq", 38.7, 29.0, 48.6, 37.4},
    {"爱尔兰", "Ireland", -10.7, 51.38, -5.99, 55.4},
    {"以色列", "Israel", 34.2, 29.5, 35.9, 33.3},
    {"意大利", "Italy", 6.7, 36.6, 18.5, 47.2},
    {"牙买加", "Jamaica", -78.4, 17.7, -76.1, 18.6},
    {"日本", "Japan", 129.4, 31.0, 145.6, 45.6},
    {"约旦", "Jordan", 34.9, 29.1, 39.2, 33.4},
    {"哈萨克斯坦", "Kazakhstan", 46.4, 40.6, 87.4, 55.4},
    {"肯尼亚", "Kenya", 33.8, -4.7, 41.9, 5.6},
    {"基里巴斯", "Kiribati", 172.6, -2.7, 177.0, 3.4},
    {"基里巴斯", "Kiribati", -174.6, -4.8, -170.7, -2.7},
    {"基里巴斯", "Kiribati", -162.4, -11.5, -150.2, 4.75},
    {"科威特", "Kuwait", 46.5, 28.5, 48.5, 30.1},
    {"吉尔吉斯斯坦", "Kyrgyzstan", 69.4, 39.2, 80.3, 43.3},
    {"老挝", "Laos", 100.1, 13.8, 107.6, 22.5},
    {"拉脱维亚", "Latvia", 21.0, 55.6, 28.2, 58.0},
    {"黎巴嫩", "Lebanon", 35.1, 33.0, 36.7, 34.7},
    {"莱索托", "Lesotho", 26.9, -30.7, 29.4, -28.6},
    {"利比里亚", "Liberia", -11.5, 4.3, -7.5, 8.6},
    {"利比亚", "Libya", 9.3, 19.5, 25.2, 33.2},
    {"立陶宛", "Lithuania", 21.0, 53.9, 26.6, 56.4},
    {"卢森堡", "Luxembourg", 5.73, 49.44, 6.53, 50.19},
    {"马达加斯加", "Madagascar", 43.2, -25.7, 50.5, -12.0},
    {"马拉维", "Malawi", 32.6, -16.9, 35.8, -9.2},
    {"马来西亚", "Malaysia", 100.0, 0.7, 119.2, 7.0},
    {"马里", "Mali", -12.2, 10.0, 4.3, 25.0},
    {"马耳他", "Malta", 14.18, 35.8, 14.58, 36.08},
    {"毛里塔尼亚", "Mauritania", -17.1, 14.6, -4.9, 27.4},
    {"墨西哥", "Mexico", -117.2, 14.5, -86.8, 32.8},
    {"摩尔多瓦", "Moldova", 26.6, 45.4, 30.1, 48.5},
    {"摩纳哥", "Monaco", 7.4, 43.72, 7.44, 43.76},
    {"蒙古", "Mongolia", 87.7, 41.5, 119.8, 52.1},
    {"黑山", "Montenegro", 18.4, 41.8, 20.4, 43.6},
    {"摩洛哥", "Morocco", -17.1, 21.4, -1.1, 35.8},
    {"莫桑比克", "Mozambique", 30.1, -26.8, 40.8, -10.3},
    {"缅甸", "Myanmar", 92.3, 9.9, 101.2, 28.4},
    {"纳米比亚", "Namibia", 11.7, -29.1, 25.1, -16.9},
    {"尼泊尔", "Nepal", 80.0, 26.3, 88.2, 30.5},
    {"荷兰", "Netherlands", 3.3, 50.8, 7.1, 53.6},
    {"新西兰", "New Zealand", 166.4, -47.3, 178.6, -34.3},
    {"尼加拉瓜", "Nicaragua", -87.7, 10.7, -83.1, 15.1},
    {"尼日尔", "Niger", 0.2, 11.6, 16.0, 23.5},
    {"尼日利亚", "Nigeria", 2.6, 4.2, 14.6, 13.9},
    {"朝鲜", "North Korea", 124.2, 37.6, 130.8, 43.0},
    {"北马其顿", "North Macedonia", 20.4, 40.8, 23.0, 42.4},
    {"挪威", "Norway", 4.6, 57.9, 31.2, 71.2},
    {"阿曼", "Oman", 52.0, 16.6, 59.9, 26.4},
    {"巴基斯坦", "Pakistan", 60.8, 23.6, 77.9, 37.2},
    {"巴勒斯坦", "Palestine", 34.9, 31.3, 35.6, 32.6},
    {"巴拿马", "Panama", -83.0, 7.2, -77.2, 9.7},
    {"巴布亚新几内亚", "Papua New Guinea", 141.0, -10.7, 156.1, -2.5},
    {"巴拉圭", "Paraguay", -62.7, -27.6, -54.2, -19.3},
    {"秘鲁", "Peru", -81.5, -18.4, -68.6, 0.0},
    {"菲律宾", "Philippines", 117.1, 5.5, 126.6, 18.6},
    {"波兰", "Poland", 14.0, 49.0, 24.1, 54.9},
    {"葡萄牙", "Portugal", -9.6, 36.8, -6.3, 42.3},
    {"卡塔尔", "Qatar", 50.7, 24.5, 51.7, 26.2},
    {"罗马尼亚", "Romania", 20.2, 43.6, 29.7, 48.3},
    {"俄罗斯", "Russia", 19.6, 41.1, 180.0, 81.9},
    {"俄罗斯", "Russia", -180.0, 64.2, -168.9, 71.6},
    {"卢旺达", "Rwanda", 29.0, -3.0, 30.9, -1.1},
    {"沙特阿拉伯", "Saudi Arabia", 34.6, 16.3, 55.7, 32.2},
    {"塞内加尔", "Senegal", -17.7, 12.3, -11.4, 16.6},
    {"塞尔维亚", "Serbia", 18.8, 42.2, 23.0, 46.2},
    {"塞拉利昂", "Sierra Leone", -13.3, 6.7, -10.2, 10.1},
    {"新加坡", "Singapore", 103.6, 1.15, 104.1, 1.48},
    {"斯洛伐克", "Slovakia", 16.8, 47.7, 22.6, 49.6},
    {"斯洛文尼亚", "Slovenia", 13.6, 45.4, 16.6, 46.9},
    {"所罗门群岛", "Solomon Islands", 156.4, -10.9, 162.4, -6.5},
    {"索马里", "Somalia", 40.9, -1.7, 51.2, 12.1},
    {"南非", "South Africa", 16.3, -34.9, 32.9, -22.0},
    {"韩国", "South Korea", 126.1, 34.3, 129.5, 38.7},
    {"南苏丹", "South Sudan", 23.8, 3.5, 35.3, 12.3},
    {"西班牙", "Spain", -9.4, 35.9, 3.1, 43.8},
    {"斯里兰卡", "Sri Lanka", 79.6, 5.9, 81.8, 9.9},
    {"苏丹", "Sudan", 21.9, 8.2, 38.5, 22.0},
    {"苏里南", "Suriname", -58.1, 1.8, -53.9, 6.1},
    {"瑞典", "Sweden", 11.0, 55.3, 24.0, 69.2},
    {"瑞士", "Switzerland", 6.0, 45.7, 10.5, 47.9},
    {"叙利亚", "Syria", 35.7, 32.3, 42.4, 37.3},
    {"塔吉克斯坦", "Tajikistan", 67.4, 36.7, 75.0, 41.0},
    {"坦桑尼亚", "Tanzania", 29.3, -11.8, 40.4, -0.9},
    {"泰国", "Thailand", 97.3, 5.6, 105.6, 20.5},
    {"东帝汶", "Timor-Leste", 124.9, -9.4, 127.4, -8.2},
    {"多哥", "Togo", -0.1, 5.9, 1.9, 11.1},
    {"特立尼达和多巴哥", "Trinidad and Tobago", -62.0, 10.0, -60.8, 10.9},
    {"突尼斯", "Tunisia", 7.5, 30.3, 11.5, 37.4},
    {"土耳其", "Turkey", 26.0, 35.8, 44.8, 42.2},
    {"土库曼斯坦", "Turkmenistan", 52.5, 35.2, 66.6, 42.8},
    {"乌干达", "Uganda", 29.5, -1.5, 35.1, 4.3},
    {"乌克兰", "Ukraine", 22.0, 44.3, 40.1, 52.4},
    {"阿联酋", "United Arab Emirates", 51.5, 22.4, 56.4, 26.1},
    {"英国", "United Kingdom", -8.65, 49.86, 1.77, 60.86},
    {"美国", "United States", -124.8, 24.4, -66.9, 49.4},
    {"美国", "United States", -179.2, 51.2, -129.9, 71.4},
    {"美国", "United States", -160.3, 18.9, -154.8, 22.3},
    {"乌拉圭", "Uruguay", -58.5, -35.0, -53.2, -30.1},
    {"乌兹别克斯坦", "Uzbekistan", 55.9, 37.1, 73.1, 45.6},
    {"瓦努阿图", "Vanuatu", 166.6, -16.6, 167.9, -14.6},
    {"委内瑞拉", "Venezuela", -73.4, 0.7, -59.7, 12.2},
    {"越南", "Vietnam", 102.1, 8.5, 109.4, 23.4},
    {"也门", "Yemen", 42.6, 12.5, 53.2, 19.1},
    {"赞比亚", "Zambia", 21.8, -18.0, 33.5, -8.2},
    {"津巴布韦", "Zimbabwe", 25.2, -22.3, 32.9, -15.5},
};

// China's provincial-level divisions (full official names, so that both 河北 and 河北省 match),
// then the subdivisions of other countries that the shared data sets fall in.
constexpr SubdivisionRow provinces[] = {
    {"北京市", "Beijing", "China", 115.41, 39.43, 117.53, 41.08},
    {"天津市", "Tianjin", "China", 116.69, 38.54, 118.08, 40.26},
    {"河北省", "Hebei", "China", 113.45, 36.03, 119.89, 42.63},
    {"山西省", "Shanxi", "China", 110.22, 34.57, 114.58, 40.75},
    {"内蒙古自治区", "Inner Mongolia", "China", 97.16, 37.39, 126.09, 53.35},
    {"辽宁省", "Liaoning", "China", 118.83, 38.71, 125.81, 43.51},
    {"吉林省", "Jilin", "China", 121.63, 40.85, 131.34, 46.32},
    {"黑龙江省", "Heilongjiang", "China", 121.17, 43.41, 135.11, 53.58},
    {"上海市", "Shanghai", "China", 120.84, 30.66, 122.01, 31.89},
    {"江苏省", "Jiangsu", "China", 116.35, 30.74, 121.99, 35.13},
    {"浙江省", "Zhejiang", "China", 118.01, 27.13, 122.85, 31.19},
    {"安徽省", "Anhui", "China", 114.88, 29.38, 119.66, 34.67},
    {"福建省", "Fujian", "China", 115.84, 23.54, 120.53, 28.33},
    {"江西省", "Jiangxi", "China", 113.56, 24.47, 118.50, 30.09},
    {"山东省", "Shandong", "China", 114.80, 34.36, 122.73, 38.42},
    {"河南省", "Henan", "China", 110.35, 31.37, 116.67, 36.38},
    {"湖北省", "Hubei", "China", 108.35, 29.02, 116.15, 33.29},
    {"湖南省", "Hunan", "China", 108.78, 24.62, 114.27, 30.14},
    {"广东省", "Guangdong", "China", 109.64, 20.20, 117.21, 25.53},
    {"广西壮族自治区", "Guangxi", "China", 104.44, 21.00, 112.08, 26.40},
    {"海南省", "Hainan", "China", 108.57, 18.13, 111.08, 20.18},
    {"重庆市", "Chongqing", "China", 105.28, 28.15, 110.22, 32.22},
    {"四川省", "Sichuan", "China", 97.33, 26.03, 108.56, 34.33},
    {"贵州省", "Guizhou", "China", 103.59, 24.60, 109.61, 29.24},
    {"云南省", "Yunnan", "China", 97.51, 21.13, 106.21, 29.24},
    {"西藏自治区", "Tibet", "China", 78.38, 26.84, 99.13, 36.50},
    {"陕西省", "Shaanxi", "China", 105.48, 31.69, 111.26, 39.60},
    {"甘肃省", "Gansu", "China", 92.32, 32.58, 108.73, 42.81},
    {"青海省", "Qinghai", "China", 89.39, 31.58, 103.09, 39.22},
    {"宁夏回族自治区", "Ningxia", "China", 104.27, 35.22, 107.68, 39.39},
    {"新疆维吾尔自治区", "Xinjiang", "China", 73.49, 34.32, 96.40, 49.20},
    {"台湾省", "Taiwan", "China", 119.46, 21.87, 124.83, 26.07},
    {"香港特别行政区", "Hong Kong", "China", 113.83, 22.16, 114.43, 22.57},
    {"澳门特别行政区", "Macao", "China", 113.52, 22.09, 113.62, 22.23},
    {"苏格兰", "Scotland", "United Kingdom", -8.65, 54.63, -0.72, 60.86},
    {"英格兰", "England", "United Kingdom", -6.42, 49.86, 1.77, 55.81},
    {"威尔士", "Wales", "United Kingdom", -5.35, 51.37, -2.65, 53.44},
    {"北爱尔兰", "Northern Ireland", "United Kingdom", -8.18, 54.02, -5.43, 55.31},
    {"北卡罗来纳州", "North Carolina", "United States", -84.33, 33.84, -75.45, 36.59},
    {"加利福尼亚州", "California", "United States", -124.48, 32.53, -114.13, 42.01},
    {"得克萨斯州", "Texas", "United States", -106.65, 25.84, -93.51, 36.5},
    {"纽约州", "New York State", "United States", -79.77, 40.49, -71.85, 45.02},
    {"伯南布哥州", "Pernambuco", "Brazil", -41.36, -9.49, -34.8, -7.28},
};

// China's largest prefecture-level cities (the four municipalities, Hong Kong and Macao are the
// provincial-level rows above), then cities abroad, the shared data's among them.
constexpr CentreRow cities[] = {
    {"广州市", "Guangzhou", "Guangdong", 113.264, 23.129},
    {"深圳市", "Shenzhen", "Guangdong", 114.058, 22.543},
    {"成都市", "Chengdu", "Sichuan", 104.066, 30.573},
    {"武汉市", "Wuhan", "Hubei", 114.305, 30.593},
    {"西安市", "Xi'an", "Shaanxi", 108.940, 34.341},
    {"杭州市", "Hangzhou", "Zhejiang", 120.155, 30.274},
    {"南京市", "Nanjing", "Jiangsu", 118.797, 32.060},
    {"郑州市", "Zhengzhou", "Henan", 113.625, 34.747},
    {"苏州市", "Suzhou", "Jiangsu", 120.585, 31.299},
    {"长沙市", "Changsha", "Hunan", 112.939, 28.228},
    {"沈阳市", "Shenyang", "Liaoning", 123.431, 41.806},
    {"青岛市", "Qingdao", "Shandong", 120.383, 36.067},
    {"济南市", "Jinan", "Shandong", 117.121, 36.651},
    {"哈尔滨市", "Harbin", "Heilongjiang", 126.535, 45.803},
    {"大连市", "Dalian", "Liaoning", 121.615, 38.914},
    {"长春市", "Changchun", "Jilin", 125.324, 43.817},
    {"昆明市", "Kunming", "Yunnan", 102.833, 24.880},
    {"合肥市", "Hefei", "Anhui", 117.227, 31.821},
    {"福州市", "Fuzhou", "Fujian", 119.296, 26.074},
    {"厦门市", "Xiamen", "Fujian", 118.089, 24.480},
    {"南宁市", "Nanning", "Guangxi", 108.366, 22.817},
    {"南昌市", "Nanchang", "Jiangxi", 115.858, 28.683},
    {"石家庄市", "Shijiazhuang", "Hebei", 114.515, 38.042},
    {"太原市", "Taiyuan", "Shanxi", 112.549, 37.871},
    {"贵阳市", "Guiyang", "Guizhou", 106.630, 26.647},
    {"兰州市", "Lanzhou", "Gansu", 103.834, 36.061},
    {"乌鲁木齐市", "Urumqi", "Xinjiang", 87.617, 43.826},
    {"呼和浩特市", "Hohhot", "Inner Mongolia", 111.749, 40.842},
    {"银川市", "Yinchuan", "Ningxia", 106.231, 38.487},
    {"西宁市", "Xining", "Qinghai", 101.778, 36.617},
    {"拉萨市", "Lhasa", "Tibet", 91.117, 29.647},
    {"海口市", "Haikou", "Hainan", 110.199, 20.044},
    {"三亚市", "Sanya", "Hainan", 109.512, 18.252},
    {"东莞市", "Dongguan", "Guangdong", 113.752, 23.021},
    {"佛山市", "Foshan", "Guangdong", 113.122, 23.022},
    {"宁波市", "Ningbo", "Zhejiang", 121.550, 29.875},
    {"无锡市", "Wuxi", "Jiangsu", 120.312, 31.491},
    {"温州市", "Wenzhou", "Zhejiang", 120.699, 27.994},
    {"泉州市", "Quanzhou", "Fujian", 118.676, 24.874},
    {"常州市", "Changzhou", "Jiangsu", 119.974, 31.811},
    {"徐州市", "Xuzhou", "Jiangsu", 117.284, 34.205},
    {"南通市", "Nantong", "Jiangsu", 120.894, 31.981},
    {"烟台市", "Yantai", "Shandong", 121.448, 37.464},
    {"潍坊市", "Weifang", "Shandong", 119.162, 36.707},
    {"临沂市", "Linyi", "Shandong", 118.357, 35.105},
    {"唐山市", "Tangshan", "Hebei", 118.180, 39.631},
    {"保定市", "Baoding", "Hebei", 115.465, 38.874},
    {"邯郸市", "Handan", "Hebei", 114.539, 36.626},
    {"洛阳市", "Luoyang", "Henan", 112.454, 34.620},
    {"襄阳市", "Xiangyang", "Hubei", 112.122, 32.009},
    {"宜昌市", "Yichang", "Hubei", 111.286, 30.692},
    {"珠海市", "Zhuhai", "Guangdong", 113.577, 22.271},
    {"汕头市", "Shantou", "Guangdong", 116.682, 23.354},
    {"惠州市", "Huizhou", "Guangdong", 114.416, 23.111},
    {"中山市", "Zhongshan", "Guangdong", 113.393, 22.517},
    {"绍兴市", "Shaoxing", "Zhejiang", 120.580, 30.030},
    {"嘉兴市", "Jiaxing", "Zhejiang", 120.755, 30.746},
    {"金华市", "Jinhua", "Zhejiang", 119.647, 29.079},
    {"台州市", "Taizhou", "Zhejiang", 121.421, 28.656},
    {"扬州市", "Yangzhou", "Jiangsu", 119.413, 32.394},
    {"盐城市", "Yancheng", "Jiangsu", 120.163, 33.348},
    {"赣州市", "Ganzhou", "Jiangxi", 114.935, 25.831},
    {"桂林市", "Guilin", "Guangxi", 110.290, 25.274},
    {"柳州市", "Liuzhou", "Guangxi", 109.416, 24.326},
    {"绵阳市", "Mianyang", "Sichuan", 104.679, 31.468},
    {"遵义市", "Zunyi", "Guizhou", 106.927, 27.725},
    {"大同市", "Datong", "Shanxi", 113.300, 40.076},
    {"包头市", "Baotou", "Inner Mongolia", 109.840, 40.658},
    {"鞍山市", "Anshan", "Liaoning", 122.994, 41.108},
    {"株洲市", "Zhuzhou", "Hunan", 113.134, 27.828},
    {"芜湖市", "Wuhu", "Anhui", 118.433, 31.352},
    {"台北市", "Taipei", "Taiwan", 121.565, 25.033},
    {"高雄市", "Kaohsiung", "Taiwan", 120.301, 22.627},
    {"伦敦", "London", "England", -0.128, 51.507},
    {"爱丁堡", "Edinburgh", "Scotland", -3.189, 55.953},
    {"都柏林", "Dublin", "Ireland", -6.26, 53.35},
    {"卢森堡市", "Luxembourg City", "Luxembourg", 6.13, 49.611},
    {"基里蒂马蒂岛", "Kiritimati", "Kiribati", -157.4, 1.87},
    {"奥林达", "Olinda", "Pernambuco", -34.855, -8.009},
    {"累西腓", "Recife", "Pernambuco", -34.881, -8.054},
    {"达尼丁", "Dunedin", "New Zealand", 170.503, -45.874},
    {"罗利", "Raleigh", "North Carolina", -78.639, 35.78},
    {"纽约", "New York", "New York State", -74.006, 40.713},
    {"洛杉矶", "Los Angeles", "California", -118.244, 34.052},
    {"巴黎", "Paris", "France", 2.352, 48.857},
    {"柏林", "Berlin", "Germany", 13.405, 52.52},
    {"莫斯科", "Moscow", "Russia", 37.618, 55.756},
    {"东京", "Tokyo", "Japan", 139.692, 35.69},
    {"首尔", "Seoul", "South Korea", 126.978, 37.567},
    {"悉尼", "Sydney", "Australia", 151.209, -33.868},
};

// Shares at or above which a place is a candidate (see the header).
constexpr double quarter = 0.25;
// A place that holds this share of the extent contains it.
constexpr double contains_share = 0.9;
// Beside the containing place of a kind, another place of that kind stays when this share of
// it lies inside the extent ...
constexpr double inside_share_beside_container = 0.75;
// ... or when it contains the extent too and its area is within this factor of the other's.
constexpr double similar_area_factor = 4.0;
// A place is a candidate because the extent covers it only if it is at least 1/2000 of the
// extent's area, so that a world dataset is not tagged with every city.
constexpr double small_place_ratio = 2000.0;
// Provinces and cities are candidates because the extent covers them only for extents up to
// this area (square degrees, about twice China's box): not for continents and the world.
constexpr double max_extent_for_subdivisions = 4000.0;

double area(const Envelope& e) {
  return (e.max_x - e.min_x) * (e.max_y - e.min_y);
}

// The share of `e` inside `p`, axis by axis; an axis on which `e` has no width counts 1 when it
// lies inside `p`'s range (so a point or a line is fully covered by the place around it).
double share_inside(const Envelope& e, const Envelope& p) {
  auto axis = [](double lo, double hi, double plo, double phi) {
    if (hi <= lo) return lo >= plo && lo <= phi ? 1.0 : 0.0;
    double overlap = std::min(hi, phi) - std::max(lo, plo);
    return overlap <= 0 ? 0.0 : overlap / (hi - lo);
  };
  return axis(e.min_x, e.max_x, p.min_x, p.max_x) * axis(e.min_y, e.max_y, p.min_y, p.max_y);
}

constexpr std::size_t kinds = 3;

std::size_t kind_rank(std::string_view kind) {
  if (kind == "country") return 0;
  if (kind == "province") return 1;
  return 2;
}

// The table, and for each row the English name of the place it belongs to ("" for a country).
struct Table {
  std::vector<Place> places;
  std::vector<std::string_view> parent_of;
};

const Table& table() {
  static const Table t = [] {
    Table r;
    for (const BoxRow& c : countries) {
      r.places.push_back({c.zh, c.en, "country", Envelope::of(c.min_x, c.min_y, c.max_x, c.max_y)});
      r.parent_of.push_back({});
    }
    for (const SubdivisionRow& p : provinces) {
      r.places.push_back(
          {p.zh, p.en, "province", Envelope::of(p.min_x, p.min_y, p.max_x, p.max_y)});
      r.parent_of.push_back(p.parent);
    }
    for (const CentreRow& c : cities) {
      r.places.push_back({c.zh, c.en, "city",
                          Envelope::of(c.x - city_half_size, c.y - city_half_size,
                                       c.x + city_half_size, c.y + city_half_size)});
      r.parent_of.push_back(c.parent);
    }
    return r;
  }();
  return t;
}

struct Candidate {
  std::size_t row;
  double extent_share;  // of the extent inside the place
  double place_share;   // of the place inside the extent
  double fit() const { return extent_share * place_share; }
};

}  // namespace

const std::vector<Place>& gazetteer() {
  return table().places;
}

std::vector<const Place*> places_for(const Envelope& extent) {
  std::vector<const Place*> out;
  if (extent.empty()) return out;
  const Table& t = table();
  const double extent_area = area(extent);

  // 1. Candidates.
  std::vector<Candidate> candidates;
  for (std::size_t i = 0; i < t.places.size(); ++i) {
    const Place& p = t.places[i];
    if (!extent.intersects(p.extent)) continue;
    double extent_share = share_inside(extent, p.extent);
    double place_share = share_inside(p.extent, extent);
    bool covers_extent = extent_share >= quarter;
    bool covered = place_share >= quarter && area(p.extent) * small_place_ratio >= extent_area &&
                   (p.kind == "country" || extent_area <= max_extent_for_subdivisions);
    if (covers_extent || covered) candidates.push_back({i, extent_share, place_share});
  }
  // The best fitting place of a kind comes first.
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.fit() > b.fit(); });

  // 2. The anchor: the most specific, then smallest, place containing the extent; it and the
  // places it belongs to are the chain, one place per kind at most.
  const Candidate* anchor = nullptr;
  for (const Candidate& c : candidates) {
    if (c.extent_share < contains_share) continue;
    if (anchor == nullptr) {
      anchor = &c;
      continue;
    }
    std::size_t rc = kind_rank(t.places[c.row].kind);
    std::size_t ra = kind_rank(t.places[anchor->row].kind);
    if (rc > ra || (rc == ra && area(t.places[c.row].extent) < area(t.places[anchor->row].extent)))
      anchor = &c;
  }
  // The row of a place by English name, preferring a candidate row (a place may have several).
  auto row_named = [&](std::string_view en) -> std::optional<std::size_t> {
    for (const Candidate& c : candidates)
      if (t.places[c.row].name_en == en) return c.row;
    for (std::size_t i = 0; i < t.places.size(); ++i)
      if (t.places[i].name_en == en) return i;
    return std::nullopt;
  };
  std::array<std::optional<std::size_t>, kinds> chain;
  if (anchor != nullptr) {
    std::optional<std::size_t> row = anchor->row;
    while (row) {
      chain[kind_rank(t.places[*row].kind)] = *row;
      std::string_view parent = t.parent_of[*row];
      row = parent.empty() ? std::nullopt : row_named(parent);
    }
  }

  // English names are unique across kinds ("Luxembourg" and "Luxembourg City").
  auto attached = [&](std::string_view en) {
    return std::any_of(out.begin(), out.end(), [&](const Place* q) { return q->name_en == en; });
  };
  // 3. A province or city only with the place it belongs to.
  auto attach = [&](std::size_t row) {
    const Place& p = t.places[row];
    std::string_view parent = t.parent_of[row];
    if ((parent.empty() || attached(parent)) && !attached(p.name_en)) out.push_back(&p);
  };
  for (std::size_t kind = 0; kind < kinds; ++kind) {
    const std::optional<std::size_t>& member = chain[kind];
    if (member) attach(*member);
    for (const Candidate& c : candidates) {
      const Place& p = t.places[c.row];
      if (kind_rank(p.kind) != kind) continue;
      if (member) {
        double member_area = area(t.places[*member].extent);
        double a = area(p.extent);
        bool similar_container = c.extent_share >= contains_share &&
                                 a <= similar_area_factor * member_area &&
                                 member_area <= similar_area_factor * a;
        if (!similar_container && c.place_share < inside_share_beside_container) continue;
      }
      attach(c.row);
    }
  }
  return out;
}

}  // namespace shikong::search
