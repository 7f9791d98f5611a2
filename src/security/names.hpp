// Small text rules of the security facade: which user and group names are allowed, and the
// host of a Referer header (the identity the flood protection counts per site).
#pragma once

#include <string>
#include <string_view>

namespace shikong::security {

// 3-64 code points of letters (ASCII and the letter blocks of the common scripts, among them
// CJK, Hangul, kana, Cyrillic, Greek, Latin with diacritics), ASCII digits, '.', '_' and '-'.
// Combining marks and look-alike fullwidth forms are refused, so one name has one spelling.
// "anonymous" and "system" are reserved: the audit log uses them as actors.
bool valid_user_name(std::string_view name);
// The same alphabet, 1-64 code points.
bool valid_group_name(std::string_view name);

// Lower-case host of a Referer URL ("https://A.example.org:8443/x" -> "a.example.org");
// empty when there is none.
std::string referer_host(std::string_view referer);

}  // namespace shikong::security
