// Untrusted query text through the paging cursor decoder (services/cursor) and untrusted
// stored addresses and names through the masking (services/masking). Beyond not crashing:
// a decoded cursor encodes back to itself, every encoding decodes to its key, and masking
// keeps the domain and never lengthens its input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/cursor.hpp"
#include "services/masking.hpp"

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace s = cis::services;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (auto key = s::decode_cursor("events", bytes))
        require(s::encode_cursor("events", *key) == bytes);
    require(s::decode_cursor("attendees", s::encode_cursor("attendees", bytes)) ==
            std::string(bytes));
    const std::string masked = s::mask_email(bytes);
    require(masked.size() <= bytes.size());
    const auto at = bytes.rfind('@');
    if (at != std::string_view::npos) require(masked.ends_with(bytes.substr(at)));
    require(s::mask_name(bytes).size() <= bytes.size());
    return 0;
}
