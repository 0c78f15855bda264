// Calendar feeds and downloads (SPEC §5, issue 6): what a visitor subscribes to with
// webcal:// or downloads instead of receiving an invitation.
//
//   GET /p/{id}/feed.ics              the events of a public page (no key)
//   GET /p/{id}/ics/{event_id}        one event of that page as a download (no key)
//   GET /p/{id}/add/{event_id}/{service}  a redirect to Google Calendar or Outlook.com
//                                     with that event filled in (no key)
//   GET /feed/{token}/calendar.ics    an organizer's whole feed; the token is the secret
//   GET /organizer/{email}/feed       (API key) the organizer's feed URLs; makes the token
//
// Feeds carry cancelled events until they would have ended, with STATUS:CANCELLED and
// their higher SEQUENCE, so a subscribed calendar drops them. Calendar apps poll: the
// ETag (a hash of the body, whose bytes depend only on the events) lets them get a 304.
// A GET changes nothing, except that the API call makes the organizer's token once.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <ctime>

#include "app/api_support.hpp"
#include "app/http_api.hpp"
#include "app/public_html.hpp"
#include "core/address.hpp"
#include "imip/calendar_links.hpp"
#include "imip/feed.hpp"
#include "imip/ical_text.hpp"
#include "services/ids.hpp"
#include "services/page_events.hpp"

namespace cis::app {

namespace {

using namespace api;

// 192 random bits: the only secret guarding an organizer's whole calendar.
constexpr std::size_t kFeedTokenBytes = 24;

// The feed as read in one transaction; `found` false: no such page, event or token.
struct Feed {
    bool found = false;
    imip::FeedInput input;
    std::vector<Event> events;
};

imip::FeedInput feed_input(const ApiContext& ctx, store::Tx& tx, const std::string& organizer,
                           const std::string& title) {
    imip::FeedInput in;
    in.domain = ctx.domain;
    in.rsvp_address = ctx.rsvp_mailbox + "@" + ctx.domain;
    in.now = static_cast<std::int64_t>(std::time(nullptr));
    if (auto o = tx.find_organizer(organizer)) in.organizer_name = o->name;
    in.name = !title.empty() ? title : !in.organizer_name.empty() ? in.organizer_name : organizer;
    return in;
}

// "Cup final: Ajax – PSV" → "Cup-final-Ajax-PSV.ics": a file name every system and every
// Content-Disposition parser takes as it is.
std::string file_name(const std::string& summary) {
    std::string name;
    for (char c : summary) {
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') || c == '_' || c == '.';
        if (safe)
            name += c;
        else if (!name.empty() && name.back() != '-')
            name += '-';
        if (name.size() >= 60) break;
    }
    while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
    while (!name.empty() && name.front() == '.') name.erase(0, 1);  // no hidden file
    return (name.empty() ? std::string("event") : name) + ".ics";
}

// The Content-Disposition of a download: the ASCII name for every client, and when the
// summary is not plain ASCII also its UTF-8 form (RFC 6266 filename*, percent-encoded, so
// the header stays ASCII), which browsers prefer: "Fête.ics" rather than "F-te.ics".
std::string disposition(const std::string& summary) {
    std::string out = fmt::format("attachment; filename=\"{}\"", file_name(summary));
    const std::string text = imip::valid_utf8(summary);
    if (std::all_of(text.begin(), text.end(), [](char c) { return (c & 0x80) == 0; })) return out;
    std::string name;
    for (std::size_t i = 0; i < text.size() && name.size() < 80;) {
        const std::size_t n = std::max<std::size_t>(imip::utf8_sequence_length(text, i), 1);
        const unsigned char c = static_cast<unsigned char>(text[i]);
        // Characters no file system takes become '-'.
        const bool bad =
            c < 0x20 || c == 0x7F ||
            std::string_view("/\\:*?\"<>|").find(static_cast<char>(c)) != std::string_view::npos;
        name += bad ? std::string("-") : text.substr(i, n);
        i += n;
    }
    out += "; filename*=UTF-8''";
    for (unsigned char c : name + ".ics") {
        if (std::isalnum(c) && c < 0x80)
            out += static_cast<char>(c);
        else if (std::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) !=
                 std::string_view::npos)
            out += static_cast<char>(c);
        else
            out += fmt::format("%{:02X}", c);
    }
    return out;
}

// The calendar answer (or 304), or the error when the feed was not found / not readable.
void answer(const Request& req, const Respond& respond, const Feed& feed,
            std::string_view not_found_code, std::string_view not_found_message,
            std::string disposition = {}) {
    if (!feed.found) return respond(http::json_error(404, not_found_code, not_found_message));
    http::Response r;
    r.body = imip::render_feed(feed.input, feed.events);
    const std::string etag = "\"" + services::sha256_hex(r.body).substr(0, 32) + "\"";
    r.headers.emplace_back("ETag", etag);
    // Subscribers poll every hour or so; five minutes of caching costs them little.
    r.headers.emplace_back("Cache-Control", "max-age=300");
    // Text in a feed comes from organizers' mail: never sniffed, never run as a page.
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Content-Security-Policy", "default-src 'none'; sandbox");
    if (http::etag_matches(req.header("If-None-Match"), etag)) {
        r.status = 304;
        r.body.clear();
        r.content_type.clear();
        return respond(std::move(r));
    }
    r.content_type = "text/calendar; charset=utf-8";
    if (!disposition.empty()) r.headers.emplace_back("Content-Disposition", std::move(disposition));
    respond(std::move(r));
}

// Runs `read` in a read transaction; a busy or failing database answers 503.
template <typename Read>
bool read_feed(ApiContext& ctx, const Respond& respond, Read read) {
    try {
        ctx.store.read([&](store::Tx& tx) { read(tx); });
        return true;
    } catch (const std::exception&) {
        respond(http::json_error(503, "unavailable", "the feed could not be read just now"));
        return false;
    }
}

void page_feed(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    Feed feed;
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    if (!read_feed(ctx, respond, [&](store::Tx& tx) {
            const auto page = tx.find_page(p.at("id"));
            if (!page) return;
            feed.found = true;
            feed.input = feed_input(ctx, tx, page->organizer, page->title);
            feed.events = services::page_events(tx, *page, now, /*with_cancelled=*/true);
        }))
        return;
    answer(req, respond, feed, "page_not_found", "no page has this address");
}

void event_download(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    Feed feed;
    const std::string& event_id = p.at("event_id");
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    if (!read_feed(ctx, respond, [&](store::Tx& tx) {
            const auto page = tx.find_page(p.at("id"));
            if (!page) return;
            // Only what the page shows: its rule decides, not the caller's event id.
            auto event = services::page_event(tx, *page, event_id, now);
            if (!event) return;
            feed.found = true;
            feed.input = feed_input(ctx, tx, page->organizer, event->fields.summary);
            feed.events.push_back(std::move(*event));
        }))
        return;
    answer(req, respond, feed, "event_not_found", "this page shows no such event",
           feed.found ? disposition(feed.events[0].fields.summary) : "");
}

// "Add to Google Calendar / Outlook.com" of a list page: a redirect to the service's URL
// for the event, built on the click, so a schedule of thousands of events does not carry
// two long URLs per row. Changes nothing; the target is built from the event alone.
void add_to_calendar(ApiContext& ctx, const Request&, const Params& p, Respond respond) {
    const std::string& service = p.at("service");
    if (service != "google" && service != "outlook")
        return respond(http::json_error(404, "not_found", "calendar services: google, outlook"));
    std::optional<Event> event;
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    try {
        ctx.store.read([&](store::Tx& tx) {
            if (const auto page = tx.find_page(p.at("id")))
                event = services::page_event(tx, *page, p.at("event_id"), now);
        });
    } catch (const std::exception&) {
        return respond(http::json_error(503, "unavailable", "the database is busy; try again"));
    }
    if (!event)
        return respond(http::json_error(404, "event_not_found", "this page shows no such event"));
    http::Response r;
    r.status = 302;
    r.content_type = "";
    r.headers = {{"Location", service == "google" ? imip::google_calendar_url(*event)
                                                  : imip::outlook_calendar_url(*event)},
                 {"Cache-Control", "no-store"},
                 {"Referrer-Policy", "no-referrer"}};
    respond(std::move(r));
}

void organizer_feed(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    Feed feed;
    const auto now = static_cast<std::int64_t>(std::time(nullptr));
    if (!read_feed(ctx, respond, [&](store::Tx& tx) {
            const auto organizer = tx.organizer_of_feed_token(p.at("token"));
            if (!organizer) return;
            feed.found = true;
            feed.input = feed_input(ctx, tx, *organizer, "");
            store::UpcomingFilter f;
            f.organizer = *organizer;
            f.now = now;
            f.with_cancelled = true;
            f.with_occurrences = true;
            f.limit = services::kMaxPageEvents;
            feed.events = tx.upcoming_events(f);
        }))
        return;
    answer(req, respond, feed, "feed_not_found", "no feed has this address");
}

http::Response feed_urls(const ApiContext& ctx, const std::string& token) {
    const std::string url = fmt::format("{}/feed/{}/calendar.ics", ctx.public_url, token);
    return http::json_response(200, {{"url", url}, {"webcal_url", webcal_url(url)}});
}

void feed_of_organizer(ApiContext& ctx, const Request& req, const Params& p, Respond respond) {
    auto key = caller(ctx, req, respond);
    if (!key) return;
    const std::string email = normalize_address(p.at("email"));
    if (email.empty())
        return respond(
            http::json_error(422, "invalid_email", "the path must name an organizer's address"));
    if (!covers(*key, email, respond)) return;
    std::string token;
    ctx.store.read([&](store::Tx& tx) { token = tx.organizer_feed_token(email); });
    if (!token.empty()) return respond(feed_urls(ctx, token));
    // First call: make the token in a write transaction; a concurrent first call may
    // have made one meanwhile, and then both answer that one.
    commit_then_respond(
        ctx,
        [&ctx, email](store::Tx& tx) {
            std::string t = tx.organizer_feed_token(email);
            if (t.empty()) {
                t = services::random_token(kFeedTokenBytes);
                tx.set_organizer_feed_token(email, t, std::time(nullptr));
            }
            return feed_urls(ctx, t);
        },
        std::move(respond));
}

}  // namespace

void add_feed_routes(http::Router& router, ApiContext& ctx) {
    router.add("GET", "/p/{id}/feed.ics", bind(ctx, page_feed));
    router.add("GET", "/p/{id}/ics/{event_id}", bind(ctx, event_download));
    router.add("GET", "/p/{id}/add/{event_id}/{service}", bind(ctx, add_to_calendar));
    router.add("GET", "/feed/{token}/calendar.ics", bind(ctx, organizer_feed));
    router.add("GET", "/organizer/{email}/feed", bind(ctx, feed_of_organizer));
}

}  // namespace cis::app
