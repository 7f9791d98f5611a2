// Dataset ids are URL-safe slugs: [a-z0-9][a-z0-9_-]{0,63}, except "catalog" (the OGC API
// collection of the metadata records). They name files on disk, so validation happens here, once.
#pragma once

#include <string>
#include <string_view>

namespace shikong {

bool is_valid_dataset_id(std::string_view id);
// Throws InvalidInput naming `parameter` when `id` is not a valid slug.
void require_dataset_id(std::string_view id, std::string_view parameter = "id");
// Makes a slug from a title or file name (ASCII letters and digits kept, the rest folded to '-').
std::string slugify(std::string_view text);

}  // namespace shikong
