// OGC exception reports: OWS Common 2.0 (ows:ExceptionReport) and WMS 1.3.0
// (ServiceExceptionReport), each exception with its standard code and a locator naming the
// parameter at fault. The text comes from our Error detail, never a library message.
#pragma once

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "protocol/request.hpp"

namespace shikong::protocol {

// Standard exception codes (OWS Common 2.0, table 27; WMS 1.3.0 adds its own).
namespace ows_code {
inline constexpr std::string_view operation_not_supported = "OperationNotSupported";
inline constexpr std::string_view missing_parameter_value = "MissingParameterValue";
inline constexpr std::string_view invalid_parameter_value = "InvalidParameterValue";
inline constexpr std::string_view version_negotiation_failed = "VersionNegotiationFailed";
inline constexpr std::string_view invalid_update_sequence = "InvalidUpdateSequence";
inline constexpr std::string_view option_not_supported = "OptionNotSupported";
inline constexpr std::string_view no_applicable_code = "NoApplicableCode";
inline constexpr std::string_view tile_out_of_range = "TileOutOfRange";   // WMTS
inline constexpr std::string_view layer_not_defined = "LayerNotDefined";  // WMS
inline constexpr std::string_view style_not_defined = "StyleNotDefined";  // WMS
inline constexpr std::string_view invalid_format = "InvalidFormat";       // WMS
inline constexpr std::string_view invalid_crs = "InvalidCRS";             // WMS
}  // namespace ows_code

// The default exception code for an Error: "missing-parameter" -> MissingParameterValue,
// "operation-not-supported" -> OperationNotSupported, "version-negotiation-failed" ->
// VersionNegotiationFailed, "tile-out-of-range" -> TileOutOfRange, other invalid input, not
// found and unsupported -> InvalidParameterValue, anything else -> NoApplicableCode.
std::string_view ows_exception_code(const Error& e);

// <ows:ExceptionReport version="2.0.0" ...><ows:Exception exceptionCode=".." locator="..">
// <ows:ExceptionText>..</ows:ExceptionText></ows:Exception></ows:ExceptionReport>
// `version` is the report's version attribute (the service's version, e.g. "1.0.0" for WMTS).
std::string ows_exception_report(std::string_view code, std::string_view locator,
                                 std::string_view text, std::string_view version = "2.0.0");
// The OWS Common 1.0 form CSW 2.0.2 uses: <ows:ExceptionReport
// xmlns:ows="http://www.opengis.net/ows" version="1.2.0" ...> with the same Exception/ExceptionText
// children.
std::string ows10_exception_report(std::string_view code, std::string_view locator,
                                   std::string_view text, std::string_view version = "1.2.0");
// <ServiceExceptionReport version="1.3.0" xmlns="http://www.opengis.net/ogc">
// <ServiceException code=".." locator="..">text</ServiceException></ServiceExceptionReport>
std::string wms_exception_report(std::string_view code, std::string_view locator,
                                 std::string_view text);

// Responses carrying those reports (application/xml; WMS: text/xml), status from the Error.
Response ows_exception_response(const Error& e, std::string_view version = "2.0.0");
Response wms_exception_response(const Error& e);
// The OWS 1.0 report (CSW) as application/xml, status from the Error.
Response ows10_exception_response(const Error& e, std::string_view version = "1.2.0");

}  // namespace shikong::protocol
