#include "reportwriter.h"

namespace hookme {

ReportWriter::ReportWriter(const QString &user, const QString &repository)
{
    m_json.append("{\"user\":");
    string(user);
    m_json.append(",\"repository\":");
    string(repository);
    m_json.append(",\"issues\":[");
}

void ReportWriter::addIssue(const ReportIssue &issue)
{
    m_json.append(m_issueCount == 0 ? "{\"title\":" : ",{\"title\":");
    string(issue.title);
    m_json.append(",\"author\":");
    optionalString(issue.author);
    m_json.append(",\"labels\":[");
    for (qsizetype i = 0; i < issue.labels.size(); ++i) {
        if (i > 0)
            m_json.append(',');
        string(issue.labels.at(i));
    }
    m_json.append("]}");
    ++m_issueCount;
}

void ReportWriter::addIssues(const QByteArray &reducedPage)
{
    // One page (at most 100 issues) is parsed at a time; only its JSON is kept.
    QList<ReportIssue> issues;
    appendIssues(reducedPage, &issues);
    for (const ReportIssue &issue : std::as_const(issues))
        addIssue(issue);
}

QByteArray ReportWriter::finish(const QList<ReportContributor> &contributors,
                                const QList<ReportWarning> &warnings)
{
    m_json.append("],\"contributors\":[");
    for (qsizetype i = 0; i < contributors.size(); ++i) {
        const ReportContributor &contributor = contributors.at(i);
        m_json.append(i == 0 ? "{\"name\":" : ",{\"name\":");
        optionalString(contributor.name);
        m_json.append(",\"user\":");
        optionalString(contributor.login);
        m_json.append(",\"qtd_commits\":");
        m_json.append(QByteArray::number(contributor.commits));
        m_json.append('}');
    }
    m_json.append(']');

    if (!warnings.isEmpty()) {
        m_json.append(",\"warnings\":[");
        for (qsizetype i = 0; i < warnings.size(); ++i) {
            m_json.append(i == 0 ? "{\"part\":" : ",{\"part\":");
            string(warnings.at(i).part);
            m_json.append(",\"reason\":");
            string(warnings.at(i).reason);
            m_json.append('}');
        }
        m_json.append(']');
    }
    m_json.append('}');
    m_json.squeeze();  // a growing buffer may hold up to twice its size; keep only the bytes
    m_issueCount = 0;
    return std::exchange(m_json, QByteArray());
}

void ReportWriter::string(const QString &text)
{
    m_json.append('"');
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        switch (c) {
        case '"':
            m_json.append("\\\"");
            break;
        case '\\':
            m_json.append("\\\\");
            break;
        case '\n':
            m_json.append("\\n");
            break;
        case '\r':
            m_json.append("\\r");
            break;
        case '\t':
            m_json.append("\\t");
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                m_json.append("\\u00");
                m_json.append(QByteArray::number(static_cast<unsigned char>(c), 16)
                                      .rightJustified(2, '0'));
            } else {
                m_json.append(c);  // UTF-8 bytes pass through unchanged
            }
        }
    }
    m_json.append('"');
}

void ReportWriter::optionalString(const std::optional<QString> &text)
{
    if (text)
        string(*text);
    else
        m_json.append("null");
}

} // namespace hookme
