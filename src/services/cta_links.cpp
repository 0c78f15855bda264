#include "services/cta_links.hpp"

#include <array>
#include <utility>

#include "services/ids.hpp"

namespace cis::services {

namespace {

// (platform, merge tag) as each ESP documents its recipient-address tag.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kTags{{
    {"mailchimp", "*|EMAIL|*"},
    {"klaviyo", "{{ email }}"},
    {"sendgrid", "{{email}}"},
    {"hubspot", "{{ contact.email }}"},
    {"generic", "{email}"},
}};

}  // namespace

const std::vector<std::string_view>& cta_platforms() {
    static const std::vector<std::string_view> names = [] {
        std::vector<std::string_view> v;
        for (const auto& [name, tag] : kTags) v.push_back(name);
        return v;
    }();
    return names;
}

std::optional<std::string_view> cta_merge_tag(std::string_view platform) {
    for (const auto& [name, tag] : kTags)
        if (name == platform) return tag;
    return std::nullopt;
}

std::string cta_origin(std::string_view platform) {
    return "cta:" + std::string(platform);
}

std::string cta_link_url(std::string_view public_url, std::string_view id,
                         std::string_view platform) {
    return std::string(public_url) + "/c/" + std::string(id) +
           "?email=" + std::string(cta_merge_tag(platform).value_or(""));
}

std::string new_cta_link_id() {
    return random_token(8);  // 64 bits, 11 characters: short in a campaign, not guessable
}

std::string cta_email_from_query(std::string_view value) {
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
    std::string out(value);
    for (char& c : out)
        if (c == ' ') c = '+';
    return out;
}

}  // namespace cis::services
