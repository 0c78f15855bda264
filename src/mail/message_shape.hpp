#pragma once
// A cheap look at bytes that claim to be a whole RFC 5322 message, before anything is
// stored. The SMTP listener stores whatever DATA carries (the sender cannot be told
// anything useful after the fact); the HTTP intake can refuse on the spot with a reason,
// and the usual mistakes of an HTTP relay deserve a precise one: a JSON notification
// instead of the message it carries, or `curl -d`, which strips the line breaks.
#include <string>
#include <string_view>

namespace cis::mail {

// Why `raw` cannot be a message, or "" when it may be one: it must start with a header
// field ("Name: value"; the name printable US-ASCII without ':'), and have line breaks
// once it is longer than one line may be (RFC 5322 §2.1.1: 998 characters).
std::string why_not_a_message(std::string_view raw);

}  // namespace cis::mail
