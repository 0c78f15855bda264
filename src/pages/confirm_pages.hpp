#pragma once
// Double opt-in of page sends: what a visitor sees after asking (a message is on its way)
// and what the owner of the address sees when opening the mailed link (a button that
// sends; a GET alone, as a link scanner makes, sends nothing). No script.
#include <string_view>
#include <vector>

#include "pages/layout.hpp"
#include "pages/message_pages.hpp"

namespace cis::pages {

// <main id="check-inbox">: a message went to `email` (or, for a suppressed address, would
// have: the page says the same); `rows` are the events asked for (their outcome unused);
// `hours`: how long the link works.
Rendered render_check_inbox(const Branding& b, const Assets& a, std::string_view email,
                            const std::vector<OutcomeRow>& rows, int hours, std::string_view back);

// <main id="confirm">: the events and a form posting to `action` ("/confirm/{token}").
// Rows whose outcome is Unavailable are listed as such and will not be sent.
Rendered render_confirm(const Branding& b, const Assets& a, std::string_view email,
                        const std::vector<OutcomeRow>& rows, std::string_view action);

}  // namespace cis::pages
