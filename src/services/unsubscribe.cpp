#include "services/unsubscribe.hpp"

#include <fmt/format.h>

#include <charconv>

#include "services/ids.hpp"
#include "services/masking.hpp"

namespace cis::services {

namespace {

constexpr std::size_t kTagHex = 16;       // 64 bits of HMAC: not guessable online
constexpr std::size_t kMaxIdDigits = 19;  // an int64
constexpr std::size_t kMaxSummary = 120;  // bytes of the summary kept in the detail

std::string tag(std::string_view token_key, std::string_view id) {
    return hmac_hex(token_key, fmt::format("unsubscribe:{}", id), kTagHex);
}

bool continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// One line, at most `max` bytes, cut on a UTF-8 boundary.
std::string one_line(std::string_view text, std::size_t max) {
    std::string out;
    for (unsigned char c : text)
        if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
    if (out.size() > max) {
        std::size_t cut = max;
        while (cut > 0 && continuation(static_cast<unsigned char>(out[cut]))) --cut;
        out.resize(cut);
        out += "…";
    }
    return out;
}

struct Target {
    store::Invitee invitee;
    Event event;
};

std::optional<Target> target_of(store::Tx& tx, std::string_view token_key, std::string_view token) {
    const auto id = invitee_of_unsubscribe_token(token_key, token);
    if (!id) return std::nullopt;
    auto invitee = tx.find_invitee_by_id(*id);
    if (!invitee) return std::nullopt;
    auto event = tx.find_event_by_id(invitee->event_id);
    if (!event) return std::nullopt;
    return Target{std::move(*invitee), std::move(*event)};
}

// An entry for this organizer that unsubscribe() keeps: anything but the organizer's block.
bool settled(const std::optional<store::Suppression>& s) {
    return s && s->reason != "blocked";
}

Unsubscription describe(store::Tx& tx, const Target& t) {
    Unsubscription u;
    u.masked_email = mask_email(t.invitee.email);
    if (auto o = tx.find_organizer(t.event.organizer)) u.organizer_name = o->name;
    u.event_summary = t.event.fields.summary;
    return u;
}

}  // namespace

std::string unsubscribe_token(std::string_view token_key, std::int64_t invitee_id) {
    const std::string id = std::to_string(invitee_id);
    return id + "-" + tag(token_key, id);
}

std::optional<std::int64_t> invitee_of_unsubscribe_token(std::string_view token_key,
                                                         std::string_view token) {
    const auto dash = token.find('-');
    if (dash == std::string_view::npos || dash == 0 || dash > kMaxIdDigits) return std::nullopt;
    const std::string_view id = token.substr(0, dash);
    for (char ch : id)
        if (ch < '0' || ch > '9') return std::nullopt;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
    if (ec != std::errc() || end != id.data() + id.size()) return std::nullopt;  // overflow
    // The signature covers the id as written, so "007-…" is not "7-…".
    if (!constant_time_equal(token.substr(dash + 1), tag(token_key, id))) return std::nullopt;
    return value;
}

std::optional<Unsubscription> find_unsubscription(store::Tx& tx, std::string_view token_key,
                                                  std::string_view token) {
    const auto t = target_of(tx, token_key, token);
    if (!t) return std::nullopt;
    auto u = describe(tx, *t);
    u.unsubscribed = settled(tx.find_suppression(t->invitee.email, t->event.organizer));
    return u;
}

std::optional<Unsubscription> unsubscribe(store::Tx& tx, std::string_view token_key,
                                          std::string_view token, std::int64_t now) {
    const auto t = target_of(tx, token_key, token);
    if (!t) return std::nullopt;
    auto u = describe(tx, *t);
    const auto existing = tx.find_suppression(t->invitee.email, t->event.organizer);
    if (!settled(existing)) {
        // The organizer's block gives way: a fresh entry, dated now, newest in listings.
        if (existing) tx.remove_suppression(t->invitee.email, t->event.organizer);
        tx.put_suppression(
            t->invitee.email, t->event.organizer, "unsubscribed",
            fmt::format("one-click unsubscribe from the invitation to \"{}\" (event {})",
                        one_line(t->event.fields.summary, kMaxSummary), t->event.id),
            now);
        u.changed = true;
    }
    u.unsubscribed = true;
    return u;
}

}  // namespace cis::services
