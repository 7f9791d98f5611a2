// Escaping text for XML 1.0 content and attribute values (OGC exception reports, capabilities).
#pragma once

#include <string>
#include <string_view>

namespace shikong::protocol {

// Appends `s` with & < > " ' escaped; characters XML 1.0 forbids (control characters other than
// tab, LF, CR) and invalid UTF-8 become U+FFFD, so the document always parses.
void append_xml_escaped(std::string& out, std::string_view s);
std::string xml_escape(std::string_view s);

}  // namespace shikong::protocol
