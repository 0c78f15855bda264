#include "services/page_settings.hpp"

#include <fmt/format.h>

#include <cctype>

#include "core/text.hpp"
#include "services/ids.hpp"
#include "services/landing_urls.hpp"

namespace cis::services {

namespace {

PageSettingsError problem(std::string_view field, std::string message) {
    return {fmt::format("invalid_{}", field), std::move(message)};
}

std::size_t code_points(std::string_view text) {
    std::size_t n = 0;
    for (unsigned char c : text)
        if ((c & 0xC0) != 0x80) ++n;  // every byte but continuation bytes starts one
    return n;
}

}  // namespace

bool valid_page_kind(std::string_view kind) {
    return kind == "landing" || kind == "upcoming" || kind == "schedule";
}

bool valid_accent(std::string_view accent) {
    if (accent.size() != 4 && accent.size() != 7) return false;
    if (accent.front() != '#') return false;
    for (char c : accent.substr(1))
        if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::optional<std::string> image_url_problem(std::string_view url) {
    if (url.size() > kMaxImageUrl)
        return fmt::format("is {} bytes long; at most {}", url.size(), kMaxImageUrl);
    const bool https = starts_with_nocase(url, "https://");
    if (!https && !starts_with_nocase(url, "http://"))
        return std::string("must be an http:// or https:// URL");
    for (unsigned char c : url) {
        // These could end a CSS url("…") or an HTML attribute, or are read differently by
        // browsers and servers: refused rather than escaped.
        if (c < 0x20 || c == 0x7f) return std::string("contains a control character");
        if (c == ' ' || c == '"' || c == '\'' || c == '\\' || c == '(' || c == ')' || c == '<' ||
            c == '>')
            return fmt::format("contains '{}' (encode it as %{:02X})", static_cast<char>(c), c);
    }
    // The host as the landing URLs' rule reads it (no user name, a valid host and port):
    // the page's CSP allows images from exactly that origin.
    std::string why;
    if (!normalise_landing_url(url, &why)) return why;
    return std::nullopt;
}

std::optional<std::string> one_line_problem(std::string_view text, std::size_t max) {
    if (code_points(text) > max) return fmt::format("is at most {} characters", max);
    for (unsigned char c : text)
        if (c < 0x20 || c == 0x7f) return std::string("is one line without control characters");
    return std::nullopt;
}

std::optional<PageSettingsError> apply_page_fields(const nlohmann::json& body, store::Page& page) {
    for (const auto& [name, value] : body.items()) {
        if (name == "organizer") continue;
        if (name == "confirm") {
            if (!value.is_boolean())
                return problem(name, "\"confirm\" is true (a send first mails the address a "
                                     "link to confirm) or false");
            page.confirm = value.get<bool>();
            continue;
        }
        std::string* field = name == "kind"             ? &page.kind
                             : name == "event_id"       ? &page.event_id
                             : name == "title"          ? &page.title
                             : name == "logo_url"       ? &page.logo_url
                             : name == "background_url" ? &page.background_url
                             : name == "accent"         ? &page.accent
                             : name == "filter"         ? &page.filter
                             : name == "redirect_url"   ? &page.redirect_url
                                                        : nullptr;
        if (!field)
            return PageSettingsError{
                "unknown_field",
                fmt::format("unknown field \"{}\"; a page has kind, organizer, event_id, title, "
                            "logo_url, background_url, accent, filter, redirect_url and confirm",
                            name)};
        if (!value.is_string() && !(value.is_null() && name != "kind"))
            return problem(name, fmt::format("\"{}\" must be a string", name));
        const std::string text = value.is_null() ? "" : value.get<std::string>();
        if (name == "kind" && !valid_page_kind(text))
            return problem(name,
                           "\"kind\" must be landing (one event), upcoming (the organizer's "
                           "next events) or schedule (all upcoming events, filtered)");
        if ((name == "title" || name == "filter") && !text.empty())
            if (auto why = one_line_problem(text, name == "title" ? kMaxPageTitle : kMaxPageFilter))
                return problem(name, fmt::format("\"{}\" {}", name, *why));
        if ((name == "logo_url" || name == "background_url") && !text.empty())
            if (auto why = image_url_problem(text))
                return problem(name, fmt::format("\"{}\" {}", name, *why));
        if (name == "accent" && !text.empty() && !valid_accent(text))
            return problem(name, "\"accent\" is a colour written #rgb or #rrggbb, e.g. #1f6feb");
        if (name == "event_id" && text.size() > 200)
            return problem(name, "\"event_id\" is not an event id");
        if (name == "redirect_url" && !text.empty()) {
            std::string why;
            const auto normal = normalise_landing_url(text, &why);
            if (!normal) return problem(name, fmt::format("\"redirect_url\": {}", why));
            *field = *normal;
            continue;
        }
        // The accent is stored in one case, so equal colours compare equal.
        *field = name == "accent" ? ascii_lower(text) : std::string(text);
    }
    return std::nullopt;
}

std::optional<PageSettingsError> check_page_in_store(store::Tx& tx, store::Page& page) {
    if (!valid_page_kind(page.kind))
        return problem("kind", "\"kind\" is required: landing, upcoming or schedule");
    if (page.kind != "landing") {
        page.event_id.clear();  // only a landing page is about one event
    } else {
        if (page.event_id.empty())
            return problem("event_id", "a landing page needs \"event_id\": the event it shows");
        const auto event = tx.find_event_by_id(page.event_id);
        // Another organizer's event reads as absent: its existence is not this caller's.
        if (!event || event->organizer != page.organizer)
            return PageSettingsError{"event_not_found", fmt::format("{} has no event with id {}",
                                                                    page.organizer, page.event_id)};
    }
    if (!page.redirect_url.empty() &&
        !landing_url_allowed(tx.landing_urls(page.organizer), page.redirect_url))
        return PageSettingsError{
            "redirect_url_not_allowed",
            fmt::format("\"redirect_url\" {} is not on the landing URL allow-list of {}; add its "
                        "prefix with PATCH /organizer/{} {{\"landing_urls\": [...]}}",
                        page.redirect_url, page.organizer, page.organizer)};
    return std::nullopt;
}

std::string new_page_id() {
    return random_token(8);  // 64 bits, 11 characters: a short URL nobody can guess
}

}  // namespace cis::services
