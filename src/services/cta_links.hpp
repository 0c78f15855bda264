#pragma once
// Call-to-action links (SPEC §5): /c/{id}?email=<merge tag>, placed in an email campaign.
// The ESP replaces the merge tag with each recipient's address when it sends, so the tag
// must stay literal in the URL we hand out (percent-encoding it would hide it from the ESP).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cis::services {

// mailchimp, klaviyo, sendgrid, hubspot, generic: the platforms whose merge tags we know.
const std::vector<std::string_view>& cta_platforms();

// The platform's merge tag for the recipient's address ("*|EMAIL|*" for mailchimp), or
// nullopt for an unknown platform.
std::optional<std::string_view> cta_merge_tag(std::string_view platform);

// "cta:mailchimp": the origin of the invitations a link sends (statistics group by it).
std::string cta_origin(std::string_view platform);

// "<public_url>/c/<id>?email=<merge tag>". `platform` must be known.
std::string cta_link_url(std::string_view public_url, std::string_view id,
                         std::string_view platform);

// A new link id: short, random, URL-safe.
std::string new_cta_link_id();

// The address as it arrives in the query of a clicked link. ESPs put the address in
// unencoded, so the '+' of "ann+news@club.example" reads as a space after query decoding;
// an address never contains a space, so spaces inside it become '+' again (leading and
// trailing blanks are dropped).
std::string cta_email_from_query(std::string_view value);

}  // namespace cis::services
