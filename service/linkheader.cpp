#include "linkheader.h"

using namespace Qt::StringLiterals;

namespace hookme {

QStringList Link::relations() const
{
    return parameters.value(u"rel"_s).toLower().split(u' ', Qt::SkipEmptyParts);
}

namespace {

// A cursor over the header value. The grammar (RFC 8288, section 3):
//   Link       = #link-value
//   link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
//   link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
class LinkParser
{
public:
    explicit LinkParser(const QString &text) : m_text(text) { }

    bool atEnd() const { return m_position >= m_text.size(); }

    void skipWhitespace()
    {
        while (!atEnd() && (current() == u' ' || current() == u'\t'))
            ++m_position;
    }

    bool consume(QChar expected)
    {
        skipWhitespace();
        if (atEnd() || current() != expected)
            return false;
        ++m_position;
        return true;
    }

    // Moves past the next top-level comma (outside quotes and angle brackets).
    void skipToNextEntry()
    {
        bool quoted = false;
        bool inUri = false;
        while (!atEnd()) {
            const QChar c = current();
            ++m_position;
            if (quoted) {
                if (c == u'\\')
                    ++m_position;
                else if (c == u'"')
                    quoted = false;
            } else if (inUri) {
                inUri = c != u'>';
            } else if (c == u'"') {
                quoted = true;
            } else if (c == u'<') {
                inUri = true;
            } else if (c == u',') {
                return;
            }
        }
    }

    std::optional<QString> readUri()
    {
        if (!consume(u'<'))
            return std::nullopt;
        const qsizetype end = m_text.indexOf(u'>', m_position);
        if (end < 0)
            return std::nullopt;
        const QString uri = m_text.mid(m_position, end - m_position).trimmed();
        // A '<' or '"' inside means this entry never closed its URI: the '>' belongs to a
        // later entry, which must not be swallowed.
        if (uri.contains(u'<') || uri.contains(u'"'))
            return std::nullopt;
        m_position = end + 1;
        return uri;
    }

    QString readToken()
    {
        skipWhitespace();
        const qsizetype start = m_position;
        while (!atEnd() && !QStringView(u" \t;,=\"").contains(current()))
            ++m_position;
        return m_text.mid(start, m_position - start);
    }

    std::optional<QString> readQuotedString()
    {
        if (!consume(u'"'))
            return std::nullopt;
        QString value;
        while (!atEnd()) {
            const QChar c = current();
            ++m_position;
            if (c == u'"')
                return value;
            if (c == u'\\' && !atEnd()) {
                value.append(current());
                ++m_position;
            } else {
                value.append(c);
            }
        }
        return std::nullopt;  // unterminated
    }

    // Reads `; name[=value]` pairs up to the end of this entry. False on malformed input.
    bool readParameters(QMap<QString, QString> *parameters)
    {
        while (true) {
            skipWhitespace();
            if (atEnd() || current() == u',')
                return true;
            if (!consume(u';'))
                return false;

            const QString name = readToken().toLower();
            if (name.isEmpty())
                return false;

            QString value;
            if (consume(u'=')) {
                skipWhitespace();
                if (!atEnd() && current() == u'"') {
                    const std::optional<QString> quoted = readQuotedString();
                    if (!quoted)
                        return false;
                    value = *quoted;
                } else {
                    value = readToken();
                }
            }
            // RFC 8288: only the first occurrence of a parameter counts.
            if (!parameters->contains(name))
                parameters->insert(name, value);
        }
    }

private:
    QChar current() const { return m_text.at(m_position); }

    const QString m_text;
    qsizetype m_position = 0;
};

} // namespace

QList<Link> parseLinkHeader(const QByteArray &header, const QUrl &base)
{
    QList<Link> links;
    LinkParser parser(QString::fromUtf8(header));

    while (!parser.atEnd()) {
        parser.skipWhitespace();
        if (parser.consume(u',') || parser.atEnd())
            continue;

        Link link;
        const std::optional<QString> uri = parser.readUri();
        if (!uri || !parser.readParameters(&link.parameters)) {
            parser.skipToNextEntry();
            continue;
        }
        link.target = base.resolved(QUrl(*uri, QUrl::TolerantMode));
        links.append(link);
    }
    return links;
}

std::optional<QUrl> findLink(const QByteArray &header, const QUrl &base, const QString &relation)
{
    const QString wanted = relation.toLower();
    for (const Link &link : parseLinkHeader(header, base)) {
        if (link.relations().contains(wanted))
            return link.target;
    }
    return std::nullopt;
}

} // namespace hookme
