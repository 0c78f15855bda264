#pragma once
// The answers of POST /p/{id}/send and the error pages of /p/...: the outcome of each
// selected event, and readable pages for 403, 404, 422, 429 and 503. No script.
#include <cstdint>
#include <string>
#include <vector>

#include "pages/layout.hpp"

namespace cis::pages {

// Unavailable: off the page since it was asked for (a confirmation link opened later).
enum class Outcome { Sent, AlreadyInvited, Cancelled, Over, NotSent, Unavailable };

struct OutcomeRow {
    std::string event_id, summary, when;
    Outcome outcome = Outcome::Sent;
};

// <main id="result">: one line per event; `back` is the page's path ("/p/{id}").
Rendered render_result(const Branding& b, const Assets& a, std::string_view email,
                       const std::vector<OutcomeRow>& rows, std::string_view back);

// One <li class="outcome …"> of an event: summary · when, then (with_outcome) its outcome.
void append_outcome_row(std::string& out, const OutcomeRow& row, bool with_outcome);

// A page with a heading and a few sentences (`message` is plain text, escaped here).
// `back`: a link back to the page, or "" for none.
Rendered render_error(int status, const Branding& b, const Assets& a, std::string_view heading,
                      std::string_view message, std::string_view back = "");

// "about 40 seconds", "4 minutes", "2 hours": how long to wait, for people.
std::string wait_in_words(std::int64_t seconds);

}  // namespace cis::pages
