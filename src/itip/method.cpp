#include "itip/method.hpp"

#include <algorithm>
#include <cctype>

namespace cis::itip {

Method parse_method(std::string_view text) {
    std::string s;
    for (char c : text)
        if (c != '"' && !std::isspace(static_cast<unsigned char>(c)))
            s.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (s.empty()) return Method::None;
    if (s == "PUBLISH") return Method::Publish;
    if (s == "REQUEST") return Method::Request;
    if (s == "REPLY") return Method::Reply;
    if (s == "ADD") return Method::Add;
    if (s == "CANCEL") return Method::Cancel;
    if (s == "REFRESH") return Method::Refresh;
    if (s == "COUNTER") return Method::Counter;
    if (s == "DECLINECOUNTER") return Method::DeclineCounter;
    return Method::Unknown;
}

Method effective_method(std::string_view body_method, std::string_view mime_param) {
    const Method body = parse_method(body_method);
    return body != Method::None ? body : parse_method(mime_param);
}

const char* to_string(Method m) {
    switch (m) {
        case Method::None:
            return "none";
        case Method::Publish:
            return "PUBLISH";
        case Method::Request:
            return "REQUEST";
        case Method::Reply:
            return "REPLY";
        case Method::Add:
            return "ADD";
        case Method::Cancel:
            return "CANCEL";
        case Method::Refresh:
            return "REFRESH";
        case Method::Counter:
            return "COUNTER";
        case Method::DeclineCounter:
            return "DECLINECOUNTER";
        case Method::Unknown:
            return "unknown";
    }
    return "unknown";
}

}  // namespace cis::itip
