#pragma once
// Where CIS may send a visitor after a public send (CTA links, page redirects): only to URLs
// under an entry of the organizer's allow-list, so a link CIS serves can never be turned into
// an open redirect (SPEC §5). Entries and candidates are compared in one normal form.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cis::services {

// "HTTPS://Club.Example:443/Thanks?x=1" → "https://club.example/Thanks?x=1". http and https
// only; a host is required; no user name or password ("https://club.example@evil.example/"
// is where a browser really goes); the default port is dropped; an empty path becomes "/";
// the fragment is dropped. nullopt, with the reason in `error`, for anything else
// (also spaces, controls, backslashes, which browsers read differently from servers).
std::optional<std::string> normalise_landing_url(std::string_view url, std::string* error);

// True when `url` is on the list: same scheme, host and port as an entry, and a path equal
// to the entry's or under it ("https://club.example/fans" allows "/fans", "/fans/", "/fans?x",
// "/fans/thanks", never "/fansite"). The list holds normalised entries.
bool landing_url_allowed(const std::vector<std::string>& allow_list, std::string_view url);

}  // namespace cis::services
