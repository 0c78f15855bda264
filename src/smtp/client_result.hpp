#pragma once
// Internal: the DeliveryResult values the relay client reports, built in one place so that
// codes, stages and texts stay consistent. Not part of the public interface; see client.hpp.
#include <string>

#include "smtp/client.hpp"
#include "smtp/client_reply.hpp"

namespace cis::smtp::detail {

// Trouble that did not come as a reply (connection, TLS, timeout, closing): try again later.
DeliveryResult deferred(std::string stage, std::string text);
// A message this client will not send as given (code 0: the server never saw it).
DeliveryResult refused_here(std::string stage, std::string enhanced, std::string text);
// A reply that ends the attempt: 4xx Deferred, 5xx Failed; 2xx/3xx where they make no sense
// (a server out of step with us) Deferred.
DeliveryResult refusal(const ServerReply& reply, std::string stage);
// The reply to the final ".": 2xx Sent, otherwise as refusal().
DeliveryResult final_reply(const ServerReply& reply);

}  // namespace cis::smtp::detail
