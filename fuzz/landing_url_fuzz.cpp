// Untrusted URLs through the landing URL allow-list (services/landing_urls): what decides
// where a public link may send a visitor. Beyond not crashing: the normal form is stable
// (normalising it again changes nothing), holds none of the characters refused, keeps its
// scheme, and an entry always allows itself while never allowing another origin.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "services/landing_urls.hpp"

namespace {
void require(bool ok) {
    if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    namespace s = cis::services;
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    std::string error;
    const auto normal = s::normalise_landing_url(bytes, &error);
    if (!normal) {
        require(!error.empty());
        require(!s::landing_url_allowed({"https://example.org/"}, bytes));
        return 0;
    }
    require(s::normalise_landing_url(*normal, nullptr) == normal);
    require(normal->starts_with("http://") || normal->starts_with("https://"));
    for (unsigned char c : *normal) require(c > 0x20 && c != 0x7f && c != '\\' && c != '"');
    require(s::landing_url_allowed({*normal}, bytes));
    require(!s::landing_url_allowed({*normal}, "https://other.invalid/") ||
            normal->starts_with("https://other.invalid/"));
    return 0;
}
