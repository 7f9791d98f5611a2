// Error encoders: RFC 9457 problem+json and OGC exception reports, built from an Error's code,
// detail (written by shikong) and parameter — never from a library's message.
#pragma once

#include <exception>
#include <string>

#include "core/error.hpp"
#include "protocol/request.hpp"

namespace shikong::protocol {

int http_status(ErrorKind kind);
Response problem_response(const Error& e, std::string_view instance = {});
// An exception of unknown type: logs it and answers 500 without its text.
Response internal_error_response(const std::exception_ptr& e);

}  // namespace shikong::protocol
