#pragma once
// The configuration of a public page (SPEC §5) as the API sets it: which page (kind and,
// for a landing page, its event) and its branding. Every value ends up in a public page —
// in HTML text, attributes and a per-page <style>. URLs and the colour are held to a form
// that is safe there even before escaping; the title and filter are any one-line text, so
// the pages must (and do) escape them. A refusal names the field and says what is allowed.
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "store/store.hpp"

namespace cis::services {

// Limits of the branding fields.
inline constexpr std::size_t kMaxPageTitle = 200;   // characters
inline constexpr std::size_t kMaxPageFilter = 200;  // characters
inline constexpr std::size_t kMaxImageUrl = 2000;   // bytes

// A refusal: answered 422 with this code ("invalid_accent", …) and message.
struct PageSettingsError {
    std::string code, message;
};

// Applies the fields of a POST or PATCH body to `page`: kind, event_id, title, logo_url,
// background_url, accent, filter, redirect_url, confirm (a boolean). null or "" clears an
// optional text field;
// "organizer" is left to the route (it decides authorization). The first problem found,
// or nullopt.
std::optional<PageSettingsError> apply_page_fields(const nlohmann::json& body, store::Page& page);

// What needs the database, in the transaction that stores the page: a landing page names an
// event of the page's organizer (other kinds carry none), and redirect_url is on the
// organizer's landing URL allow-list (it is stored normalised).
std::optional<PageSettingsError> check_page_in_store(store::Tx& tx, store::Page& page);

// The single checks, for the tests and for whoever needs one.
bool valid_page_kind(std::string_view kind);
bool valid_accent(std::string_view accent);  // "#rgb" or "#rrggbb"
// An http(s) URL of an image, fit to stand inside a CSS url("…") and an HTML attribute.
// nullopt when fine, else what is wrong with it.
std::optional<std::string> image_url_problem(std::string_view url);
// One line of text of at most `max` characters (UTF-8 code points), no control characters.
std::optional<std::string> one_line_problem(std::string_view text, std::size_t max);

// A new page id: short, random, URL-safe.
std::string new_page_id();

}  // namespace cis::services
