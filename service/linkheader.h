// Reads the HTTP Link header (RFC 8288), which GitHub uses for pagination.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrl>

#include <optional>

namespace hookme {

struct Link {
    QUrl target;                      // resolved against the URL of the response
    QMap<QString, QString> parameters;  // names lower-cased; values unquoted
    QStringList relations() const;    // the whitespace-separated values of "rel", lower-cased
};

// Parses every link of a header value. Malformed entries are skipped; the rest still count.
QList<Link> parseLinkHeader(const QByteArray &header, const QUrl &base);

// The target of the first link whose relation types include `relation` (matched whole, so
// "next" does not match "nextpage").
std::optional<QUrl> findLink(const QByteArray &header, const QUrl &base, const QString &relation);

} // namespace hookme
