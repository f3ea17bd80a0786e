<?xml version="1.0" encoding="UTF-8"?>
<!-- A feed (RSS 2.0 or Atom) as a page for a reader who opens it in a browser: what a feed is,
     its address to copy into a feed reader, and its entries. Titles and summaries of RSS are
     escaped HTML, summaries of both formats HTML: shown as their text. The styles are the
     feed's second stylesheet (text/css), whose hashed address only the feed knows. -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    exclude-result-prefixes="atom dc">
  <xsl:output method="html" encoding="UTF-8" doctype-system="about:legacy-compat"/>

  <xsl:variable name="styles" select="substring-before(substring-after(/processing-instruction('xml-stylesheet')[contains(., 'text/css')], 'href=&quot;'), '&quot;')"/>

  <xsl:template match="/">
    <xsl:variable name="title">
      <xsl:choose>
        <xsl:when test="rss"><xsl:call-template name="text"><xsl:with-param name="html" select="rss/channel/title"/></xsl:call-template></xsl:when>
        <xsl:otherwise><xsl:value-of select="atom:feed/atom:title"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <html lang="en">
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title><xsl:value-of select="$title"/> (feed)</title>
        <link rel="stylesheet" href="{$styles}"/>
      </head>
      <body>
        <main class="feed">
          <p class="feed-about">This is a news feed. Copy its address into a feed reader to follow new articles as they are published:
            <code><xsl:value-of select="rss/channel/atom:link[@rel='self']/@href | atom:feed/atom:link[@rel='self']/@href"/></code></p>
          <h1><xsl:value-of select="$title"/></h1>
          <p class="feed-description"><xsl:value-of select="rss/channel/description | atom:feed/atom:subtitle"/></p>
          <p><a href="{rss/channel/link | atom:feed/atom:link[@rel='alternate']/@href}">Go to the site</a></p>
          <ol class="feed-entries">
            <xsl:apply-templates select="rss/channel/item | atom:feed/atom:entry"/>
          </ol>
        </main>
      </body>
    </html>
  </xsl:template>

  <xsl:template match="item">
    <li>
      <article>
        <h2><a href="{link}"><xsl:call-template name="text"><xsl:with-param name="html" select="title"/></xsl:call-template></a></h2>
        <p class="feed-meta">
          <xsl:for-each select="dc:creator"><xsl:if test="position() > 1">, </xsl:if><xsl:value-of select="."/></xsl:for-each>
          <xsl:if test="dc:creator"> · </xsl:if>
          <xsl:value-of select="pubDate"/>
        </p>
        <p><xsl:call-template name="text"><xsl:with-param name="html" select="description"/></xsl:call-template></p>
      </article>
    </li>
  </xsl:template>

  <xsl:template match="atom:entry">
    <li>
      <article>
        <h2><a href="{atom:link[@rel='alternate']/@href}"><xsl:value-of select="atom:title"/></a></h2>
        <p class="feed-meta">
          <xsl:for-each select="atom:author"><xsl:if test="position() > 1">, </xsl:if><xsl:value-of select="atom:name"/></xsl:for-each>
          <xsl:if test="atom:author"> · </xsl:if>
          <xsl:value-of select="translate(substring(atom:published, 1, 16), 'T', ' ')"/>
        </p>
        <p><xsl:call-template name="text"><xsl:with-param name="html" select="atom:summary"/></xsl:call-template></p>
      </article>
    </li>
  </xsl:template>

  <!-- The text of a fragment of HTML: its tags dropped, its entities read. -->
  <xsl:template name="text">
    <xsl:param name="html"/>
    <xsl:variable name="untagged"><xsl:call-template name="untag"><xsl:with-param name="html" select="string($html)"/></xsl:call-template></xsl:variable>
    <xsl:call-template name="unescape"><xsl:with-param name="text" select="normalize-space($untagged)"/></xsl:call-template>
  </xsl:template>

  <xsl:template name="untag">
    <xsl:param name="html"/>
    <xsl:choose>
      <xsl:when test="contains($html, '&lt;')">
        <xsl:value-of select="substring-before($html, '&lt;')"/>
        <!-- Paragraphs apart, inline tags (<strong>) closed up. -->
        <xsl:if test="starts-with(substring-after($html, '&lt;'), '/p') or starts-with(substring-after($html, '&lt;'), 'br')"><xsl:text> </xsl:text></xsl:if>
        <xsl:call-template name="untag"><xsl:with-param name="html" select="substring-after(substring-after($html, '&lt;'), '&gt;')"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$html"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- The entities Django's escape() writes; &amp; last, so that "&amp;lt;" stays "&lt;". -->
  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:choose>
          <xsl:when test="starts-with($rest, 'amp;')">&amp;<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 5)"/></xsl:call-template></xsl:when>
          <xsl:when test="starts-with($rest, 'lt;')">&lt;<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 4)"/></xsl:call-template></xsl:when>
          <xsl:when test="starts-with($rest, 'gt;')">&gt;<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 4)"/></xsl:call-template></xsl:when>
          <xsl:when test="starts-with($rest, 'quot;')">"<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 6)"/></xsl:call-template></xsl:when>
          <xsl:when test="starts-with($rest, '#x27;')">'<xsl:call-template name="unescape"><xsl:with-param name="text" select="substring($rest, 6)"/></xsl:call-template></xsl:when>
          <xsl:otherwise>&amp;<xsl:call-template name="unescape"><xsl:with-param name="text" select="$rest"/></xsl:call-template></xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
