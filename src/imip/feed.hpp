#pragma once
// A published calendar (RFC 5545 METHOD:PUBLISH) of many events: what a subscription
// feed (webcal://) or a downloaded .ics holds. Each event is written by the same code as
// its invitations (calendar_template's vevent_bodies), so a subscriber sees the same
// times, recurrence, moved and cancelled instances as an invitee; only the UID differs
// (one per event, not per recipient) and there is no ATTENDEE: a feed is anonymous.
//
// Cancelled events stay in the feed with STATUS:CANCELLED and their higher SEQUENCE until
// they would have ended (the caller picks the events), so a subscribed calendar removes
// them instead of keeping a stale copy. The bytes depend only on the events (DTSTAMP is
// the event's last change), so a hash of them is a stable ETag.
#include <cstdint>
#include <string>
#include <vector>

#include "core/event.hpp"

namespace cis::imip {

struct FeedInput {
    std::string name;            // X-WR-CALNAME: what the calendar app calls the subscription
    std::string domain;          // UIDs are "<event id>@<domain>"
    std::string organizer_name;  // CN of ORGANIZER; empty: no CN
    std::string rsvp_address;    // mailto: of ORGANIZER, as the invitations carry it
    std::string prodid = "-//CIS//Calendar Invite Server//EN";
    // The request's time: zones are written with the rules from this year on (or from the
    // first event's, if later), which is what subscribers look at.
    std::int64_t now = 0;
};

// The whole VCALENDAR: one VTIMEZONE per zone used, then the events in the given order.
std::string render_feed(const FeedInput& in, const std::vector<Event>& events);

// The UID an event has in feeds and downloads.
std::string feed_uid(const Event& event, const std::string& domain);

}  // namespace cis::imip
