// Error encoders: RFC 9457 problem+json and OGC exception reports, built from an Error's code,
// detail (written by shikong) and parameter — never from a library's message.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "protocol/request.hpp"

namespace shikong::protocol {

int http_status(ErrorKind kind);
// As above, but Unsupported("not-acceptable") is 406.
int http_status(const Error& e);
// The standard reason phrase ("Not Found"), the problem's title.
std::string_view reason_phrase(int status);
// application/problem+json: type "urn:shikong:error:<code>" ("about:blank" without a code),
// title, status, detail, instance, and the extensions "code" and "parameter".
Response problem_response(const Error& e, std::string_view instance = {});
// The same for conditions the server finds itself (404 of an unknown path, 405, 413, ...).
Response problem_response(int status, std::string_view code, std::string_view detail,
                          std::string_view parameter = {}, std::string_view instance = {});
// An exception of unknown type: logs it and answers 500 "internal-error" without its text.
// A shikong::Error that is not internal is answered as problem_response(e).
Response internal_error_response(const std::exception_ptr& e);

}  // namespace shikong::protocol
