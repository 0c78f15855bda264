#include "smtp/client_result.hpp"

#include <utility>

namespace cis::smtp::detail {
namespace {

// Results end up in logs, the database and notifications: keep them to a sane size.
constexpr std::size_t kMaxText = 1000;

std::string bounded(std::string text) {
    if (text.size() > kMaxText) {
        text.resize(kMaxText);
        text += "...";
    }
    return text;
}

}  // namespace

DeliveryResult deferred(std::string stage, std::string text) {
    DeliveryResult r;
    r.status = DeliveryResult::Status::Deferred;
    r.text = bounded(printable(text, kMaxText));
    r.stage = std::move(stage);
    return r;
}

DeliveryResult refused_here(std::string stage, std::string enhanced, std::string text) {
    DeliveryResult r;
    r.status = DeliveryResult::Status::Failed;
    r.enhanced = std::move(enhanced);
    r.text = bounded(printable(text, kMaxText));
    r.stage = std::move(stage);
    return r;
}

DeliveryResult refusal(const ServerReply& reply, std::string stage) {
    DeliveryResult r;
    r.code = reply.code;
    r.enhanced = reply.enhanced;
    r.text = bounded(reply.text());
    r.stage = std::move(stage);
    if (reply.klass() == 5) {
        r.status = DeliveryResult::Status::Failed;
    } else {
        r.status = DeliveryResult::Status::Deferred;
        if (reply.klass() != 4)
            r.text = bounded("unexpected reply " + std::to_string(reply.code) +
                             " from the server: " + r.text);
    }
    return r;
}

DeliveryResult final_reply(const ServerReply& reply) {
    if (reply.klass() != 2) return refusal(reply, "dot");
    DeliveryResult r;
    r.status = DeliveryResult::Status::Sent;
    r.code = reply.code;
    r.enhanced = reply.enhanced;
    r.text = bounded(reply.text());
    r.stage = "dot";
    return r;
}

}  // namespace cis::smtp::detail
