//! Table-driven test of the link classifier on real-shaped URLs.
//!
//! Every network in `patterns/networks.toml` must have at least two positive cases here
//! (`every_network_has_two_positive_cases`), so the data cannot grow untested.

use std::collections::HashMap;

use puffery::links::{Classifier, Confidence, LinkContext};

use Confidence::{Confirmed as C, Likely as L, Possible as P};

/// (href, network, affiliate id, confidence), classified with no context.
const POSITIVE: &[(&str, &str, Option<&str>, Confidence)] = &[
    // Amazon Associates: tag on marketplace hosts, short links
    (
        "https://www.amazon.com/dp/B07FZ8S74R?tag=mysite-20",
        "amazon",
        Some("mysite-20"),
        C,
    ),
    (
        "https://www.amazon.de/gp/product/3842106262/ref=as_li_tl?ie=UTF8&tag=gs-web-21&linkCode=as2",
        "amazon",
        Some("gs-web-21"),
        C,
    ),
    (
        "https://amazon.co.uk/Some-Book/dp/0241/?tag=ukblog-21",
        "amazon",
        Some("ukblog-21"),
        C,
    ),
    (
        "https://www.amazon.co.jp/dp/B08?tag=jpblog-22",
        "amazon",
        Some("jpblog-22"),
        C,
    ),
    (
        "https://www.amazon.in/dp/B09?tag=inblog-21&ascsubtag=x",
        "amazon",
        Some("inblog-21"),
        C,
    ),
    (
        "https://www.amazon.com.br/dp/B01?tag=brblog-20",
        "amazon",
        Some("brblog-20"),
        C,
    ),
    (
        "https://www.amazon.com.be/dp/B01?tag=beblog-21",
        "amazon",
        Some("beblog-21"),
        C,
    ),
    (
        "https://smile.amazon.com/dp/B01?tag=smile-20",
        "amazon",
        Some("smile-20"),
        C,
    ),
    (
        "//www.amazon.fr/dp/B01?TAG=frblog-21",
        "amazon",
        Some("frblog-21"),
        C,
    ),
    (
        "  https://www.amazon.es/dp/B01?tag=esblog-21  ",
        "amazon",
        Some("esblog-21"),
        C,
    ),
    (
        "https://www.amazon.com/gp/redirect.html?location=https%3A%2F%2Fwww.amazon.com%2Fdp%2FB01&tag=redir-20",
        "amazon",
        Some("redir-20"),
        C,
    ),
    ("https://amzn.to/3xYzAbC", "amazon", None, C),
    ("https://amzn.eu/d/abc123", "amazon", None, L),
    ("https://amzn.asia/d/0fT4xyz", "amazon", None, L),
    ("https://amzn.eu/5Rzq1Xy", "amazon", None, C),
    ("https://a.co/d/6zqWl2s", "amazon", None, L),
    (
        "https://ws-na.amazon-adsystem.com/widgets/q?ServiceVersion=20070822&tag=imgblog-20&ASIN=B01",
        "amazon",
        Some("imgblog-20"),
        C,
    ),
    // CJ
    (
        "https://www.anrdoezrs.net/click-7737731-13904212",
        "cj",
        Some("7737731"),
        C,
    ),
    (
        "https://www.qksrv.net/links/7737731/type/am/https://www.barnesandnoble.com/w/one-pot/1142988086",
        "cj",
        Some("7737731"),
        C,
    ),
    (
        "https://www.tkqlhce.com/click-100357191-13452337?url=https%3A%2F%2Fwww.newspapers.com%2F",
        "cj",
        Some("100357191"),
        C,
    ),
    (
        "https://www.jdoqocy.com/click-8273-1093?sid=blog",
        "cj",
        Some("8273"),
        C,
    ),
    (
        "http://www.dpbolvw.net/fe104hz74z6LLONOMPNL6NMOTMNRTQ",
        "cj",
        None,
        C,
    ),
    (
        "https://www.kohls.com/product/prd-1.jsp?cjevent=a1b2c3d4e5f6",
        "cj",
        None,
        C,
    ),
    // Rakuten Advertising
    (
        "https://click.linksynergy.com/deeplink?id=abcDEF123&mid=39197&murl=https%3A%2F%2Fwww.udemy.com%2Fcourse%2Frust%2F",
        "rakuten",
        Some("abcDEF123"),
        C,
    ),
    (
        "https://click.linksynergy.com/fs-bin/click?id=XyZ987&offerid=1234.56&type=3",
        "rakuten",
        Some("XyZ987"),
        C,
    ),
    (
        "https://linksynergy.walmart.com/deeplink?id=Q1w2E3&mid=2149&murl=https%3A%2F%2Fwww.walmart.com%2Fip%2F1",
        "rakuten",
        Some("Q1w2E3"),
        C,
    ),
    (
        "https://www.macys.com/shop/x?ranMID=3184&ranEAID=AbCdEf&ranSiteID=AbCdEf-123",
        "rakuten",
        Some("AbCdEf"),
        C,
    ),
    // ShareASale
    (
        "https://shareasale.com/r.cfm?b=1405723&u=2197140&m=90951&urllink=https%3A%2F%2Frockermama.com%2Fshop&afftrack=",
        "shareasale",
        Some("2197140"),
        C,
    ),
    (
        "https://www.shareasale.com/m-pr.cfm?merchantID=52555&userID=1523166&productID=1",
        "shareasale",
        Some("1523166"),
        C,
    ),
    ("https://shrsl.com/3xk9f", "shareasale", None, C),
    (
        "https://www.wpengine.com/?sscid=71k6_abc12",
        "shareasale",
        None,
        C,
    ),
    // Impact
    (
        "https://goto.target.com/c/2773249/81938/2092?subid1=x&u=https%3A%2F%2Fwww.target.com%2Fp%2Fdutch-oven",
        "impact",
        Some("2773249"),
        C,
    ),
    (
        "https://apple.sjv.io/c/159047/435031/7613?u=https%3A%2F%2Fwww.apple.com%2Fshop",
        "impact",
        Some("159047"),
        C,
    ),
    ("https://anolon.sjv.io/BXXR9x", "impact", None, C),
    (
        "https://bestbuy.7tiv.net/c/1234567/614286/10014",
        "impact",
        Some("1234567"),
        C,
    ),
    (
        "https://homedepot.pxf.io/c/2047844/456723/8154?u=https%3A%2F%2Fwww.homedepot.com%2F",
        "impact",
        Some("2047844"),
        C,
    ),
    (
        "https://goto.walmart.com/c/1234567/565706/9383",
        "impact",
        Some("1234567"),
        C,
    ),
    (
        "https://helix-sleep.tkjf.net/c/2706071/605588/9928?u=https%3A%2F%2Fhelixsleep.com%2F",
        "impact",
        Some("2706071"),
        L,
    ),
    (
        "https://www.adidas.com/us/shoes?irclickid=xyz123abc&irgwc=1",
        "impact",
        None,
        C,
    ),
    // Awin
    (
        "https://www.awin1.com/cread.php?awinmid=6220&awinaffid=625551&ued=https%3A%2F%2Fwww.etsy.com%2Flisting%2F1",
        "awin",
        Some("625551"),
        C,
    ),
    (
        "https://www.awin1.com/cread.php?s=2250872&v=15536&q=346715&r=336907",
        "awin",
        Some("336907"),
        C,
    ),
    (
        "https://www.awin1.com/awclick.php?mid=2547&id=112233",
        "awin",
        None,
        C,
    ),
    (
        "https://ad.zanox.com/ppc/?25371034C56373472T&ULP=[[www.example.de]]",
        "awin",
        None,
        C,
    ),
    (
        "https://www.zenaps.com/rclick.php?mi=1&pr=2&ued=https%3A%2F%2Fwww.x.de%2F",
        "awin",
        None,
        C,
    ),
    (
        "https://www.currys.co.uk/product?awc=1599_1700000000_abcdef",
        "awin",
        None,
        C,
    ),
    // Partnerize
    (
        "https://prf.hn/click/camref:1101liUFf/ar:247Sports/destination:https://www.stubhub.com/ncaa-football-tickets/",
        "partnerize",
        Some("1101liUFf"),
        C,
    ),
    (
        "https://prf.hn/click/camref:1100l3Ek/pubref:deals",
        "partnerize",
        Some("1100l3Ek"),
        C,
    ),
    ("https://prf.hn/l/AbCdEf1", "partnerize", None, C),
    // Pepperjam
    (
        "https://www.pjtra.com/t/8-10429-131940-57891?url=https%3A%2F%2Fwww.example.com%2F",
        "pepperjam",
        Some("10429"),
        C,
    ),
    (
        "https://www.gopjn.com/t/2-123456-78901-2345",
        "pepperjam",
        Some("123456"),
        C,
    ),
    ("https://www.pntrs.com/t/abcdef123", "pepperjam", None, C),
    // Skimlinks
    (
        "https://go.skimresources.com/?id=38395X987171&xs=1&url=https%3A%2F%2Fwww.shopify.com%2Fblog",
        "skimlinks",
        Some("38395X987171"),
        C,
    ),
    (
        "https://go.redirectingat.com/?id=127X1143637&url=https%3A%2F%2Fwww.currys.co.uk%2Fgbuk%2Fslow-cooker",
        "skimlinks",
        Some("127X1143637"),
        C,
    ),
    (
        "https://go.theguardian.com/?id=114047X1572903&url=https%3A%2F%2Fwww.johnlewis.com%2F&sref=x",
        "skimlinks",
        Some("114047X1572903"),
        C,
    ),
    // Sovrn / VigLink
    (
        "https://redirect.viglink.com?key=298b435ee3d01bf48b93ee197bcd0f20&u=https%3A%2F%2Fwyze.com%2Fwyze-sense.html&opt=true",
        "sovrn",
        Some("298b435ee3d01bf48b93ee197bcd0f20"),
        C,
    ),
    (
        "https://shop-links.co/1745822431751864426",
        "sovrn",
        None,
        C,
    ),
    ("https://sovrn.co/1abcd2e", "sovrn", None, C),
    // Geniuslink
    ("https://geni.us/AbCdE", "geniuslink", None, C),
    (
        "https://target.georiot.com/Proxy.ashx?TSID=123&GR_URL=x",
        "geniuslink",
        None,
        C,
    ),
    // eBay Partner Network
    (
        "https://rover.ebay.com/rover/1/711-53200-19255-0/1?icep_id=114&campid=5338123456&toolid=10001&mpre=https%3A%2F%2Fwww.ebay.com%2Fitm%2F1",
        "ebay",
        Some("5338123456"),
        C,
    ),
    (
        "https://www.ebay.com/itm/123456?mkcid=1&mkrid=711-53200-19255-0&siteid=0&campid=5337654321&toolid=10001&mkevt=1",
        "ebay",
        Some("5337654321"),
        C,
    ),
    (
        "https://www.ebay.de/sch/i.html?_nkw=lego&mkcid=1&mkrid=707-53477-19255-0&campid=5338999999",
        "ebay",
        Some("5338999999"),
        C,
    ),
    ("https://ebay.us/AbCdEf", "ebay", None, L),
    // AliExpress
    (
        "https://s.click.aliexpress.com/e/_DdVqzXy",
        "aliexpress",
        None,
        C,
    ),
    (
        "https://www.aliexpress.com/item/1005001.html?aff_platform=portals-tool&aff_trace_key=abc&sk=x",
        "aliexpress",
        None,
        C,
    ),
    (
        "https://s.click.aliexpress.com/deep_link.htm?aff_short_key=abc&dl_target_url=https%3A%2F%2Fwww.aliexpress.com%2Fitem%2F1.html",
        "aliexpress",
        None,
        C,
    ),
    // FlexOffers
    (
        "https://track.flexlinkspro.com/a.ashx?foid=1052146.1&foc=1&fot=9999&fos=1&url=https%3A%2F%2Fwww.example.com%2F",
        "flexoffers",
        None,
        C,
    ),
    (
        "https://track.flexlinks.com/a.aspx?foid=123&fobs=abc",
        "flexoffers",
        Some("abc"),
        C,
    ),
    ("https://fxo.co/BvTz", "flexoffers", None, C),
    // Webgains
    (
        "https://track.webgains.com/click.html?wgcampaignid=123456&wgprogramid=7890&wgtarget=https%3A%2F%2Fwww.shop.co.uk%2F",
        "webgains",
        Some("123456"),
        C,
    ),
    (
        "http://track.webgains.com/click.html?wgcampaignid=98765&wgprogramid=1",
        "webgains",
        Some("98765"),
        C,
    ),
    // Admitad
    (
        "https://ad.admitad.com/g/1e8d114494b7e165239416525dc3e8/?ulp=https%3A%2F%2Fwww.shop.ru%2F",
        "admitad",
        None,
        C,
    ),
    ("https://fas.st/AbC12", "admitad", None, C),
    (
        "https://www.shop.example/item?admitad_uid=0f3c1ab2",
        "admitad",
        None,
        C,
    ),
    // Tradedoubler
    (
        "https://clk.tradedoubler.com/click?p=297463&a=2508345&g=24876574",
        "tradedoubler",
        Some("2508345"),
        C,
    ),
    (
        "https://clk.tradedoubler.com/click?p=1&a=3000001&url=https%3A%2F%2Fwww.sky.de%2F",
        "tradedoubler",
        Some("3000001"),
        C,
    ),
    (
        "https://www.shop.se/p/1?tduid=a1b2c3d4e5",
        "tradedoubler",
        None,
        C,
    ),
    // AvantLink
    (
        "https://www.avantlink.com/click.php?tool_type=cl&merchant_id=5049&website_id=93549a21&url=https%3A%2F%2Fwww.thermoworks.com%2F",
        "avantlink",
        Some("93549a21"),
        C,
    ),
    (
        "https://classic.avantlink.com/click.php?p=12345&pw=67890&pt=3&pri=1",
        "avantlink",
        Some("67890"),
        C,
    ),
    (
        "https://www.rei.com/product/1?avad=123_abc",
        "avantlink",
        None,
        C,
    ),
    // ClickBank
    (
        "https://myaff.vendor.hop.clickbank.net/?tid=blog",
        "clickbank",
        Some("myaff"),
        C,
    ),
    (
        "https://hop.clickbank.net/?affiliate=someaff&vendor=prod",
        "clickbank",
        Some("someaff"),
        C,
    ),
    // Digistore24
    (
        "https://www.digistore24.com/redir/123456/someaffiliate/",
        "digistore24",
        Some("someaffiliate"),
        C,
    ),
    (
        "https://www.checkout-ds24.com/redir/98765/otheraff/campaign1",
        "digistore24",
        Some("otheraff"),
        C,
    ),
    // TUNE / HasOffers
    (
        "https://go.nordvpn.net/aff_c?offer_id=15&aff_id=12345&url_id=902",
        "hasoffers",
        Some("12345"),
        C,
    ),
    (
        "https://tracking.example-network.com/aff_c?offer_id=1&aff_id=777&aff_sub=x",
        "hasoffers",
        Some("777"),
        C,
    ),
    // Refersion, Tapfiliate, PartnerStack, FirstPromoter, LeadDyno, Post Affiliate Pro, iDevAffiliate, WHMCS
    (
        "https://www.shopbrand.com/products/tee?rfsn=1234567.abcdef",
        "refersion",
        Some("1234567.abcdef"),
        C,
    ),
    (
        "https://brand.example/?rfsn=42.a1&utm_source=refersion",
        "refersion",
        Some("42.a1"),
        C,
    ),
    (
        "https://app.saas.example/signup?tap_a=12345-abcdef&tap_s=67890-xyz",
        "tapfiliate",
        Some("12345-abcdef"),
        C,
    ),
    (
        "https://saas.example/?tap_a=999-aaa",
        "tapfiliate",
        Some("999-aaa"),
        C,
    ),
    (
        "https://www.saas.example/pricing?gspk=am9obmRvZQ&gsxid=Abc123",
        "partnerstack",
        Some("am9obmRvZQ"),
        C,
    ),
    (
        "https://tool.example/?gspk=xyz",
        "partnerstack",
        Some("xyz"),
        C,
    ),
    (
        "https://app.tool.example/?fpr=jane12",
        "firstpromoter",
        Some("jane12"),
        C,
    ),
    (
        "https://tool.example/pricing?fpr=bob",
        "firstpromoter",
        Some("bob"),
        C,
    ),
    (
        "https://www.product.example/?afmc=1a",
        "leaddyno",
        Some("1a"),
        C,
    ),
    (
        "https://product.example/buy?afmc=zz9",
        "leaddyno",
        Some("zz9"),
        C,
    ),
    (
        "https://www.vendor.example/?a_aid=5f1a2b3c&a_bid=11110001",
        "postaffiliatepro",
        Some("5f1a2b3c"),
        C,
    ),
    (
        "https://vendor.example/pricing.html?a_aid=partner1",
        "postaffiliatepro",
        Some("partner1"),
        C,
    ),
    (
        "https://www.vendor.example/affiliates/idevaffiliate.php?id=123",
        "idevaffiliate",
        Some("123"),
        C,
    ),
    (
        "https://shop.example/idevaffiliate.php?id=77_2",
        "idevaffiliate",
        Some("77_2"),
        C,
    ),
    (
        "https://service.serverprofis.net/aff.php?aff=414",
        "whmcs",
        Some("414"),
        C,
    ),
    (
        "https://billing.host.example/clients/aff.php?aff=12",
        "whmcs",
        Some("12"),
        C,
    ),
    // merchant programs
    (
        "https://apps.apple.com/us/app/id123456789?at=1000lqdN&ct=blog",
        "apple",
        Some("1000lqdN"),
        C,
    ),
    (
        "https://itunes.apple.com/us/album/id1?at=11lJk",
        "apple",
        Some("11lJk"),
        C,
    ),
    (
        "https://www.booking.com/hotel/de/adlon.html?aid=1234567&label=blog",
        "booking",
        Some("1234567"),
        C,
    ),
    (
        "https://booking.com/searchresults.html?aid=7654321&ss=Paris",
        "booking",
        Some("7654321"),
        C,
    ),
    (
        "https://tp.media/r?marker=12345&p=4114&u=https%3A%2F%2Fwww.aviasales.com%2F",
        "travelpayouts",
        Some("12345"),
        C,
    ),
    (
        "https://search.hotellook.com/?marker=54321&destination=Paris",
        "travelpayouts",
        Some("54321"),
        C,
    ),
    (
        "https://themeforest.net/item/soledad-theme/12945398?ref=PenciDesign",
        "envato",
        Some("PenciDesign"),
        C,
    ),
    (
        "https://codecanyon.net/item/x/123?ref=someone",
        "envato",
        Some("someone"),
        C,
    ),
    (
        "https://1.envato.market/c/1234567/298927/4662?u=https%3A%2F%2Fthemeforest.net%2F",
        "envato",
        Some("1234567"),
        C,
    ),
    ("https://rstyle.me/+AbCdEfGh123", "rewardstyle", None, C),
    ("https://liketk.it/3xYz1", "rewardstyle", None, C),
    ("https://shopstyle.it/l/bXyZ", "shopstyle", None, C),
    (
        "https://api.shopstyle.com/action/apiVisitRetailer?id=123&pid=uid5121-1234-56",
        "shopstyle",
        Some("uid5121-1234-56"),
        C,
    ),
    (
        "https://cna.st/affiliate-link/2Xn3abc",
        "condenast",
        None,
        C,
    ),
    ("https://cna.st/AbC123", "condenast", None, C),
    (
        "https://r.zdbb.net/u/4o3t?or=https%3A%2F%2Fwww.ign.com%2F",
        "ziffdavis",
        None,
        C,
    ),
    ("https://r.zdbb.net/u/bdum", "ziffdavis", None, C),
    ("https://howl.me/cBxYz", "howl", None, C),
    ("https://howl.link/abc123", "howl", None, C),
    (
        "https://bild.digidip.net/visit?url=https%3A%2F%2Fwww.otto.de%2F&ppref=x",
        "digidip",
        None,
        C,
    ),
    (
        "https://digidip.net/visit?url=https%3A%2F%2Fwww.shop.de%2F",
        "digidip",
        None,
        C,
    ),
    (
        "https://track.effiliation.com/servlet/effi.redir?id_compteur=123&url=https%3A%2F%2Fwww.fnac.com%2F",
        "effiliation",
        None,
        C,
    ),
    (
        "https://action.metaffiliation.com/trk.php?mclic=P123&redir=x",
        "effiliation",
        None,
        C,
    ),
    (
        "https://ecs-de.kelkoogroup.net/ctl/go/sitesearchGo?.ts=1&affiliationId=96932147&offerId=1",
        "kelkoo",
        Some("96932147"),
        C,
    ),
    (
        "https://fr.kelkoogroup.net/ctl/go/offerGo?affiliationId=9001",
        "kelkoo",
        Some("9001"),
        C,
    ),
    (
        "https://www.idealo-partner.com/redirect?trg=https%3A%2F%2Fwww.idealo.de%2Fpreisvergleich%2F1",
        "idealo",
        None,
        C,
    ),
    (
        "https://idealo-partner.com/x?trg=https%3A%2F%2Fwww.idealo.at%2F",
        "idealo",
        None,
        C,
    ),
    (
        "https://www.partner-ads.com/dk/klikbanner.php?partnerid=12345&bannerid=678&htmlurl=https%3A%2F%2Fwww.shop.dk%2F",
        "partnerads",
        Some("12345"),
        C,
    ),
    (
        "https://www.partner-ads.com/no/klikbanner.php?partnerid=999&bannerid=1",
        "partnerads",
        Some("999"),
        C,
    ),
    (
        "https://track.adtraction.com/t/t?a=1234&as=56789&t=2&tk=1&url=https%3A%2F%2Fwww.shop.se%2F",
        "adtraction",
        Some("56789"),
        C,
    ),
    (
        "https://www.shop.se/?affiliate_source=adtraction&cn=x",
        "adtraction",
        None,
        C,
    ),
    (
        "https://partners.webmasterplan.com/click.asp?ref=123456&site=7890&type=text&tnb=1&diurl=https%3A%2F%2Fwww.shop.de%2F",
        "affilinet",
        Some("123456"),
        C,
    ),
    (
        "http://partners.webmasterplan.com/click.asp?ref=654321&site=1",
        "affilinet",
        Some("654321"),
        C,
    ),
    (
        "https://refer.ccbill.com/cgi-bin/clicks.cgi?CA=900000-0000&PA=123456&HTML=https%3A%2F%2Fsite.example%2F",
        "ccbill",
        None,
        C,
    ),
    (
        "http://refer.ccbill.com/cgi-bin/clicks.cgi?CA=1&PA=2",
        "ccbill",
        None,
        C,
    ),
    (
        "https://tc.tradetracker.net/?c=1234&m=5678&a=91011&u=https%3A%2F%2Fwww.shop.nl%2F",
        "tradetracker",
        Some("91011"),
        C,
    ),
    (
        "https://tc.tradetracker.net/?c=1&m=2&a=333",
        "tradetracker",
        Some("333"),
        C,
    ),
    (
        "https://ds1.nl/c/?si=123&li=456&wi=789&ws=blog&dl=https%3A%2F%2Fwww.shop.nl%2F",
        "daisycon",
        Some("789"),
        C,
    ),
    ("https://ds1.nl/c/?wi=111&si=1", "daisycon", Some("111"), C),
    (
        "https://click.adrecord.com/?c=12345&p=678&url=https%3A%2F%2Fwww.shop.se%2F",
        "adrecord",
        Some("12345"),
        C,
    ),
    (
        "https://click.adrecord.com/?c=999&p=1",
        "adrecord",
        Some("999"),
        C,
    ),
    (
        "https://t.cfjump.com/12345/t/67890?Url=https%3A%2F%2Fwww.shop.com.au%2F",
        "commissionfactory",
        None,
        C,
    ),
    ("https://t.cfjump.com/1/b/2", "commissionfactory", None, C),
    (
        "https://clk.omgt1.com/?AID=123456&PID=7890&r=https%3A%2F%2Fwww.shop.co.uk%2F",
        "optimise",
        Some("123456"),
        C,
    ),
    (
        "https://clk.omgt3.com/?AID=654321&PID=1",
        "optimise",
        Some("654321"),
        C,
    ),
    (
        "https://scripts.affiliatefuture.com/AFClick.asp?affiliateID=123456&merchantID=1234&programmeID=1&mediaID=0&tracking=&url=https%3A%2F%2Fshop.co.uk%2F",
        "affiliatefuture",
        Some("123456"),
        C,
    ),
    (
        "http://scripts.affiliatefuture.com/AFClick.asp?affiliateID=777&merchantID=1",
        "affiliatefuture",
        Some("777"),
        C,
    ),
    (
        "https://www.linkconnector.com/ta.php?lc=123456789012345678&atid=x&url=https%3A%2F%2Fshop.example%2F",
        "linkconnector",
        Some("123456789012345678"),
        C,
    ),
    (
        "https://www.linkconnector.com/traffic_affiliate.php?lc=111&atid=y",
        "linkconnector",
        Some("111"),
        C,
    ),
    (
        "https://r.srvtrck.com/v1/redirect?site_id=abc123&api_key=k&url=https%3A%2F%2Fwww.shop.de%2F",
        "yieldkit",
        Some("abc123"),
        C,
    ),
    (
        "https://r.srvtrck.com/v1/redirect?url=https%3A%2F%2Fshop.example%2F&site_id=zz",
        "yieldkit",
        Some("zz"),
        C,
    ),
    (
        "https://www1.belboon.de/adtracking/03a1b2c3d4e5.html",
        "belboon",
        None,
        C,
    ),
    (
        "https://www1.belboon.de/adtracking/0abc/deeplink.html?deeplink=https%3A%2F%2Fshop.de%2F",
        "belboon",
        None,
        C,
    ),
    (
        "https://www.adcell.de/promotion/click/promoId/123456/slotId/98765?param0=https%3A%2F%2Fwww.shop.de%2F",
        "adcell",
        Some("98765"),
        C,
    ),
    (
        "https://www.adcell.de/promotion/click/promoId/1/slotId/2",
        "adcell",
        Some("2"),
        C,
    ),
    (
        "https://www.financeads.net/tc.php?t=12345C123456789T",
        "financeads",
        Some("12345C123456789T"),
        C,
    ),
    (
        "https://financeads.net/tc.php?t=99C1T&subid=blog",
        "financeads",
        Some("99C1T"),
        C,
    ),
    (
        "https://www.copecart.com/products/abc123/checkout?aff=partner42",
        "copecart",
        Some("partner42"),
        C,
    ),
    (
        "https://copecart.com/products/xyz/checkout?aff=jane",
        "copecart",
        Some("jane"),
        C,
    ),
    // Japan
    (
        "https://px.a8.net/svt/ejp?a8mat=2TAB12+3C4D5E+1234+ABCDE",
        "a8",
        Some("2TAB12+3C4D5E+1234+ABCDE"),
        C,
    ),
    (
        "https://px.a8.net/svt/ejp?a8mat=1ABC&a8ejpredirect=https%3A%2F%2Fwww.shop.jp%2F",
        "a8",
        Some("1ABC"),
        C,
    ),
    (
        "https://af.moshimo.com/af/c/click?a_id=1234567&p_id=54&pc_id=54&pl_id=616&url=https%3A%2F%2Fwww.amazon.co.jp%2Fdp%2FB0",
        "moshimo",
        Some("1234567"),
        C,
    ),
    (
        "https://af.moshimo.com/af/c/click?a_id=42&p_id=170",
        "moshimo",
        Some("42"),
        C,
    ),
    (
        "https://hb.afl.rakuten.co.jp/ichiba/1a2b3c4d.5e6f7a8b.1a2b3c4e.9f8e7d6c/?pc=https%3A%2F%2Fitem.rakuten.co.jp%2Fshop%2Fitem%2F&m=x",
        "rakuten_jp",
        Some("1a2b3c4d.5e6f7a8b.1a2b3c4e.9f8e7d6c"),
        C,
    ),
    (
        "https://hb.afl.rakuten.co.jp/hgc/0ea62065.34400275.0ea62066.204f04c0/",
        "rakuten_jp",
        Some("0ea62065.34400275.0ea62066.204f04c0"),
        C,
    ),
    (
        "https://ck.jp.ap.valuecommerce.com/servlet/referral?sid=3123456&pid=887654321&vc_url=https%3A%2F%2Fshopping.yahoo.co.jp%2F",
        "valuecommerce",
        Some("3123456"),
        C,
    ),
    (
        "https://shopping.yahoo.co.jp/item?vc_lpp=abc",
        "valuecommerce",
        None,
        C,
    ),
    (
        "https://h.accesstrade.net/sp/cc?rk=0100abcd00xyz",
        "accesstrade",
        Some("0100abcd00xyz"),
        C,
    ),
    (
        "https://h.accesstrade.net/sp/rr?rk=0100efgh00abc",
        "accesstrade",
        Some("0100efgh00abc"),
        C,
    ),
    (
        "https://cl.link-ag.net/click/abc123/def456",
        "link_a",
        None,
        C,
    ),
    ("https://cl.link-ag.net/click/zz/yy", "link_a", None, C),
    (
        "https://t.felmat.net/fmcl?ak=A1234B.1.C5678D.E9012F",
        "felmat",
        Some("A1234B.1.C5678D.E9012F"),
        C,
    ),
    ("https://t.felmat.net/fmcl?ak=X1", "felmat", Some("X1"), C),
    (
        "https://t.afi-b.com/visit.php?guid=ON&a=A1234B-c567890D&p=x",
        "afb",
        None,
        C,
    ),
    ("https://t.afi-b.com/visit.php?a=Z9&p=y", "afb", None, C),
    // India / Asia
    (
        "https://www.flipkart.com/product/p/itm123?pid=ABC&affid=blogger12",
        "flipkart",
        Some("blogger12"),
        C,
    ),
    (
        "https://dl.flipkart.com/dl/product/p/itm1?affid=abc",
        "flipkart",
        Some("abc"),
        C,
    ),
    (
        "https://www.banggood.com/Wholesale-Drones-c-1.html?p=AB12345678901201703",
        "banggood",
        Some("AB12345678901201703"),
        C,
    ),
    (
        "https://banggood.com/x.html?p=XYZ&cur_warehouse=CN",
        "banggood",
        Some("XYZ"),
        C,
    ),
    ("https://invol.co/cl1abcd", "involveasia", None, C),
    (
        "https://invol.co/aff_m?offer_id=1&aff_id=2",
        "involveasia",
        None,
        C,
    ),
    ("https://shope.ee/AbCdEf123", "shopee", None, L),
    ("https://shope.ee/9zzz", "shopee", None, L),
    // SaaS / hosting referrals
    (
        "https://m.do.co/c/4d7f4ff9cfe4",
        "digitalocean",
        Some("4d7f4ff9cfe4"),
        C,
    ),
    (
        "https://www.digitalocean.com/?refcode=abc123def&utm_campaign=x",
        "digitalocean",
        Some("abc123def"),
        C,
    ),
    (
        "https://www.hostinger.com/?REFERRALCODE=1JOHN23",
        "hostinger",
        Some("1JOHN23"),
        C,
    ),
    (
        "https://hostinger.co.uk/web-hosting?REFERRALCODE=ABC",
        "hostinger",
        Some("ABC"),
        C,
    ),
    (
        "https://www.bluehost.com/track/myblog/",
        "bluehost",
        Some("myblog"),
        C,
    ),
    (
        "https://bluehost.com/track/abc123/sidebar",
        "bluehost",
        Some("abc123"),
        C,
    ),
    (
        "https://www.siteground.com/index.htm?afcode=abcdef0123456789",
        "siteground",
        Some("abcdef0123456789"),
        C,
    ),
    (
        "https://www.siteground.com/web-hosting.htm?afcode=x1",
        "siteground",
        Some("x1"),
        C,
    ),
    (
        "https://kinsta.com/?kaid=ABCDEFGHIJ",
        "kinsta",
        Some("ABCDEFGHIJ"),
        C,
    ),
    (
        "https://kinsta.com/plans/?kaid=XYZ",
        "kinsta",
        Some("XYZ"),
        C,
    ),
    (
        "https://www.humblebundle.com/store/game?partner=someblog",
        "humblebundle",
        Some("someblog"),
        C,
    ),
    (
        "https://www.humblebundle.com/games/bundle?partner=x2",
        "humblebundle",
        Some("x2"),
        C,
    ),
    // travel
    (
        "https://www.agoda.com/partners/partnersearch.aspx?cid=1844104&hid=12345",
        "agoda",
        Some("1844104"),
        C,
    ),
    (
        "https://agoda.com/hotel/x.html?cid=1234567",
        "agoda",
        Some("1234567"),
        C,
    ),
    (
        "https://expedia.com/affiliate/AbCdEfG",
        "expedia",
        Some("AbCdEfG"),
        C,
    ),
    (
        "https://www.hotels.com/affiliate/XyZ123",
        "expedia",
        Some("XyZ123"),
        C,
    ),
    (
        "https://www.getyourguide.com/paris-l16/?partner_id=ABC123&utm_medium=online_publisher",
        "getyourguide",
        Some("ABC123"),
        C,
    ),
    (
        "https://www.getyourguide.de/berlin-l17/?partner_id=XYZ",
        "getyourguide",
        Some("XYZ"),
        C,
    ),
    (
        "https://www.viator.com/tours/Paris/d479-3731EIFFEL?pid=P00012345&mcid=42383&medium=link",
        "viator",
        Some("P00012345"),
        C,
    ),
    (
        "https://www.viator.com/Rome/d511?pid=P00099999",
        "viator",
        Some("P00099999"),
        C,
    ),
    // other merchant programs
    (
        "https://www.zazzle.com/mug-123?rf=238123456789012345",
        "zazzle",
        Some("238123456789012345"),
        C,
    ),
    (
        "https://www.zazzle.co.uk/shirt?rf=238999",
        "zazzle",
        Some("238999"),
        C,
    ),
    (
        "https://bookshop.org/a/12345/9780593230251",
        "bookshop",
        Some("12345"),
        C,
    ),
    (
        "https://bookshop.org/a/678/9780143127741",
        "bookshop",
        Some("678"),
        C,
    ),
    (
        "https://partner.bol.com/click/click?p=1&t=url&s=12345&f=TXL&url=https%3A%2F%2Fwww.bol.com%2Fnl%2Fp%2F1%2F&name=x",
        "bol",
        Some("12345"),
        C,
    ),
    (
        "https://partner.bol.com/click/click?p=2&s=999&t=p",
        "bol",
        Some("999"),
        C,
    ),
    (
        "https://gumroad.com/a/123456789",
        "gumroad",
        Some("123456789"),
        C,
    ),
    (
        "https://author.gumroad.com/l/ebook?a=987654321",
        "gumroad",
        Some("987654321"),
        C,
    ),
    // generic short links: never confirmed
    ("https://bit.ly/3abcDEF", "shortener", None, P),
    ("http://tinyurl.com/y6abc12", "shortener", None, P),
    ("https://rb.gy/abc12", "shortener", None, P),
    ("https://cutt.ly/xYz", "shortener", None, P),
    // generic affiliate parameters: possible
    (
        "https://www.some-shop.example/product?aff_id=12345",
        "referral_param",
        Some("12345"),
        P,
    ),
    (
        "https://vpn.example/pricing?affiliate=techblog",
        "referral_param",
        Some("techblog"),
        P,
    ),
    (
        "https://shop.example/?utm_source=blog&utm_medium=affiliate&utm_campaign=x",
        "referral_param",
        None,
        P,
    ),
    // wrapped in a generic redirector: the inner signature counts
    (
        "https://www.google.com/url?q=https%3A%2F%2Fwww.amazon.de%2Fdp%2F1%3Ftag%3Dwrap-21&sa=D",
        "amazon",
        Some("wrap-21"),
        C,
    ),
    (
        "/out?url=https%3A%2F%2Fwww.awin1.com%2Fcread.php%3Fawinaffid%3D55%26awinmid%3D1",
        "awin",
        Some("55"),
        C,
    ),
];

/// Links that are not affiliate links.
const NEGATIVE: &[&str] = &[
    // Amazon without tag, ref= is not a tag, non-marketplace Amazon hosts
    "https://www.amazon.com/dp/B07FZ8S74R",
    "https://www.amazon.com/dp/B07FZ8S74R/ref=sr_1_1?keywords=kindle",
    "https://www.amazon.de/gp/product/B01/ref=ppx_yo_dt_b_asin_title?ie=UTF8&psc=1",
    "https://www.amazon.com/s?k=socks&ref=nb_sb_noss",
    "https://aws.amazon.com/ec2/?tag=whatever",
    "https://aws.amazon.com/s3/?ref=pricing",
    "https://developer.amazon.com/alexa?tag=x",
    "https://www.amazon.jobs/en/jobs/123?tag=x",
    "https://sellercentral.amazon.com/?tag=x",
    "https://www.amazon.com/dp/B01?tag=",
    "https://aax-us-east.amazon-adsystem.com/x/c/QtCW/https://www.amazon.com/stores/page/6A76?store_ref=SB_1",
    // lookalike hosts
    "https://notamazon.com/dp/B01?tag=evil-20",
    "https://amazon.com.evil.io/dp/B01?tag=evil-20",
    "https://www.amazon.de.example.org/?tag=x-21",
    "https://amazon-deals.example/?tag=x-20",
    "https://amzn.to.example.com/abc",
    "https://notshareasale.com/r.cfm?u=1&b=2",
    "https://shareasale.com.evil.net/r.cfm?u=1",
    "https://fakeskimresources.com/?id=1X2&url=x",
    "https://go.redirectingat.com.phish.io/?id=1X2&url=x",
    "https://myanrdoezrs.net/click-1-2",
    "https://rover.example.com/rover/1/711?campid=1",
    "https://prf.hn.example/click/camref:1",
    // merchant pages, networks' own sites
    "https://www.ebay.com/itm/123456789",
    "https://www.ebay.de/sch/i.html?_nkw=lego",
    "https://www.aliexpress.com/item/1005001.html",
    "https://www.booking.com/hotel/de/adlon.html",
    "https://www.shareasale.com/info/",
    "https://www.cj.com/advertisers",
    "https://www.awin.com/gb/publishers",
    "https://www.tradedoubler.com/en/about-us/",
    "https://digidip.net/privacy-policy",
    "https://www.linksynergy.com.evil.io/deeplink?id=x",
    "https://www.etsy.com/listing/634080053/baby-gift",
    "https://www.target.com/p/dutch-oven/-/A-88233430",
    "https://www.apple.com/iphone/?at=x",
    "https://themeforest.net/item/soledad-theme/12945398",
    "https://www.viator.com/tours/Paris/d479",
    "https://www.flipkart.com/product/p/itm123?pid=ABC",
    // news and tracking parameters that are not affiliate
    "https://www.nytimes.com/2023/01/01/world/story.html?utm_source=twitter&utm_medium=social&utm_campaign=x",
    "https://www.theguardian.com/world/2023/jan/01/story?utm_source=newsletter",
    "https://www.shop.example/product/1?srsltid=AfmBOoq1a2b3",
    "https://www.example.com/page?ref=homepage",
    "https://www.example.com/page?id=123&sid=abc",
    "https://www.example.com/page?partner=acme",
    "https://news.ycombinator.com/item?id=123",
    "https://www.reddit.com/r/rust/comments/abc/",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
    "https://twitter.com/intent/tweet?text=x&via=someone",
    "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fblog.example%2Fpost",
    "https://discourse.example.org/c/12/345/678x",
    "https://go.dev/doc/tutorial/getting-started",
    "https://golang.org/pkg/net/http/",
    "https://www.google.com/url?q=https%3A%2F%2Fwww.example.com%2F&sa=D",
    "https://www.chefd.com/pages/meal-plan?utm_campaign=web1&utm_medium=partner&utm_source=nyt",
    // not links at all
    "",
    "#",
    "#comments",
    "javascript:void(0)",
    "mailto:editor@example.com?subject=tag=x",
    "tel:+4912345",
    "data:text/html,<a href=x>",
    "ftp://www.amazon.com/?tag=x-20",
    "http://",
    "not a url at all",
    "/about-us/",
    "/category/go/",
    "https://www.example.com/go/",
];

struct CtxCase {
    href: &'static str,
    page: Option<&'static str>,
    rel: &'static [&'static str],
    class: Option<&'static str>,
    attrs: &'static [&'static str],
    expect: Option<(&'static str, Confidence)>,
}

/// Cloaking and plugin markup: these depend on the link's context.
const CONTEXT: &[CtxCase] = &[
    // ThirstyAffiliates markup
    CtxCase {
        href: "https://it-learner.de/recommends/windows-10-pro/",
        page: Some("https://it-learner.de/post/"),
        rel: &["nofollow"],
        class: Some("thirstylink"),
        attrs: &["data-linkid", "data-shortcode"],
        expect: Some(("cloaked_redirect", L)),
    },
    CtxCase {
        href: "/go/some-product",
        page: None,
        rel: &[],
        class: Some("btn thirstylink"),
        attrs: &[],
        expect: Some(("cloaked_redirect", L)),
    },
    // relative /recommends/ with rel=sponsored
    CtxCase {
        href: "/recommends/vpn-deal/",
        page: Some("https://blog.example/post"),
        rel: &["sponsored"],
        class: None,
        attrs: &[],
        expect: Some(("cloaked_redirect", L)),
    },
    // absolute same-site /visit/ with nofollow
    CtxCase {
        href: "https://coins.example/visit/exchange",
        page: Some("https://www.coins.example/2023/news/"),
        rel: &["nofollow"],
        class: None,
        attrs: &[],
        expect: Some(("cloaked_redirect", L)),
    },
    // Lasso attribute on a cloaked path
    CtxCase {
        href: "/go/blender",
        page: None,
        rel: &[],
        class: None,
        attrs: &["data-lasso-id"],
        expect: Some(("cloaked_redirect", L)),
    },
    // same-site /go/ with no other evidence: only possible (may be an ordinary route)
    CtxCase {
        href: "https://www.wired.com/go/failsafe",
        page: Some("https://www.wired.com/2016/08/story/"),
        rel: &[],
        class: None,
        attrs: &[],
        expect: Some(("cloaked_redirect", P)),
    },
    CtxCase {
        href: "/go/generics-explained/",
        page: Some("https://gopher.blog.example/"),
        rel: &[],
        class: None,
        attrs: &[],
        expect: Some(("cloaked_redirect", P)),
    },
    // cross-site /go/: not same-site, not cloaking
    CtxCase {
        href: "https://other.example/go/thing",
        page: Some("https://blog.example/post"),
        rel: &["sponsored"],
        class: None,
        attrs: &[],
        expect: None,
    },
    // absolute /go/ with no page URL: unknown site
    CtxCase {
        href: "https://other.example/go/thing",
        page: None,
        rel: &["nofollow"],
        class: None,
        attrs: &[],
        expect: None,
    },
    // Lasso attribute alone (also put on internal links): not reported
    CtxCase {
        href: "https://blog.example/other-post.html",
        page: Some("https://blog.example/post"),
        rel: &[],
        class: None,
        attrs: &["data-lasso-id"],
        expect: None,
    },
    // rel=sponsored alone does not make an affiliate link
    CtxCase {
        href: "https://brand.example/product",
        page: Some("https://blog.example/post"),
        rel: &["sponsored"],
        class: None,
        attrs: &[],
        expect: None,
    },
    // a network signature wins over cloaking evidence
    CtxCase {
        href: "https://www.amazon.com/dp/B01?tag=x-20",
        page: None,
        rel: &["sponsored"],
        class: Some("thirstylink"),
        attrs: &[],
        expect: Some(("amazon", C)),
    },
    // a known forum route under /goto/ is not cloaking, even with nofollow
    CtxCase {
        href: "/goto/post?id=6331459",
        page: Some("https://forum.example/threads/x.1/"),
        rel: &["nofollow"],
        class: None,
        attrs: &[],
        expect: None,
    },
    // the folder alone is not a cloaked link
    CtxCase {
        href: "/go/",
        page: None,
        rel: &["nofollow"],
        class: None,
        attrs: &[],
        expect: None,
    },
];

fn classifier() -> Classifier {
    Classifier::builtin()
}

#[test]
fn positives() {
    let c = classifier();
    let ctx = LinkContext::default();
    let mut failures = Vec::new();
    for &(href, network, id, conf) in POSITIVE {
        match c.classify(href, &ctx) {
            Some(a) if a.network == network && a.id.as_deref() == id && a.confidence == conf => {
                assert!(!a.evidence.is_empty());
            }
            other => failures.push(format!(
                "{href}\n   want {network} {id:?} {conf:?}\n   got  {other:?}"
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn negatives() {
    let c = classifier();
    let ctx = LinkContext::default();
    let bad: Vec<String> = NEGATIVE
        .iter()
        .filter_map(|h| c.classify(h, &ctx).map(|a| format!("{h} -> {a:?}")))
        .collect();
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn context_cases() {
    let c = classifier();
    let mut failures = Vec::new();
    for case in CONTEXT {
        let rel: Vec<String> = case.rel.iter().map(|s| s.to_string()).collect();
        let attrs: Vec<String> = case.attrs.iter().map(|s| s.to_string()).collect();
        let ctx = LinkContext {
            page_url: case.page,
            rel: &rel,
            class: case.class,
            plugin_attrs: &attrs,
        };
        let got = c.classify(case.href, &ctx);
        let ok = match (&got, case.expect) {
            (None, None) => true,
            (Some(a), Some((n, conf))) => a.network == n && a.confidence == conf,
            _ => false,
        };
        if !ok {
            failures.push(format!(
                "{} (page {:?}, rel {:?})\n   want {:?}\n   got  {got:?}",
                case.href, case.page, case.rel, case.expect
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn destinations_are_decoded() {
    let c = classifier();
    let ctx = LinkContext::default();
    let cases = [
        (
            "https://click.linksynergy.com/deeplink?id=a&mid=1&murl=https%3A%2F%2Fwww.udemy.com%2Fcourse%2Frust%2F",
            "https://www.udemy.com/course/rust/",
        ),
        (
            "https://go.skimresources.com/?id=1X2&xs=1&url=https%3A%2F%2Fwww.shop.com%2Fa%3Fb%3Dc",
            "https://www.shop.com/a?b=c",
        ),
        (
            "https://www.qksrv.net/links/7737731/type/am/https://www.barnesandnoble.com/w/x/1",
            "https://www.barnesandnoble.com/w/x/1",
        ),
        (
            "https://prf.hn/click/camref:1101l/ar:x/destination:https%3A%2F%2Fwww.stubhub.com%2F",
            "https://www.stubhub.com/",
        ),
        (
            "https://rover.ebay.com/rover/1/711-53200-19255-0/1?campid=1&mpre=https%3A%2F%2Fwww.ebay.com%2Fitm%2F1",
            "https://www.ebay.com/itm/1",
        ),
        (
            "https://www.awin1.com/cread.php?awinaffid=1&ued=https%3A%2F%2Fwww.etsy.com%2F",
            "https://www.etsy.com/",
        ),
        (
            "https://shareasale.com/r.cfm?b=1&u=2&m=3&urllink=rockermama%2Ecom%2Fshop",
            "rockermama.com/shop",
        ),
    ];
    for (href, dest) in cases {
        let a = c.classify(href, &ctx).unwrap_or_else(|| panic!("{href}"));
        assert_eq!(a.destination.as_deref(), Some(dest), "{href}");
    }
}

#[test]
fn table_is_big_enough() {
    let contexts_positive = CONTEXT.iter().filter(|c| c.expect.is_some()).count();
    let contexts_negative = CONTEXT.len() - contexts_positive;
    assert!(POSITIVE.len() + NEGATIVE.len() + CONTEXT.len() >= 150);
    assert!(NEGATIVE.len() + contexts_negative >= 50);
}

#[test]
fn every_network_has_two_positive_cases() {
    let c = classifier();
    let names = c.networks();
    assert!(names.len() >= 60, "only {} networks", names.len());
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for &(_, n, _, _) in POSITIVE {
        *counts.entry(n).or_default() += 1;
    }
    let missing: Vec<String> = names
        .iter()
        .filter(|n| counts.get(*n).copied().unwrap_or(0) < 2)
        .map(|n| format!("{n} ({})", counts.get(n).copied().unwrap_or(0)))
        .collect();
    assert!(
        missing.is_empty(),
        "networks with fewer than two positive cases: {missing:?}"
    );
    let unknown: Vec<&&str> = counts.keys().filter(|n| !names.contains(n)).collect();
    assert!(
        unknown.is_empty(),
        "cases name unknown networks: {unknown:?}"
    );
}

#[test]
fn truncated_and_mangled_links_never_panic() {
    let c = classifier();
    let rel = vec!["sponsored".to_string()];
    let attrs = vec!["data-lasso-id".to_string()];
    let ctx = LinkContext {
        page_url: Some("https://www.amazon.de/some/page"),
        rel: &rel,
        class: Some("thirstylink"),
        plugin_attrs: &attrs,
    };
    let hrefs = POSITIVE.iter().map(|p| p.0).chain(NEGATIVE.iter().copied());
    for href in hrefs {
        for (i, _) in href.char_indices() {
            let _ = c.classify(&href[..i], &ctx);
            let _ = c.classify(&href[i..], &ctx);
            let _ = c.rewriter_script(&href[..i]);
        }
        let _ = c.classify(&format!("{href}%ZZ%E2%82"), &ctx);
        let _ = c.classify(&href.replace('/', "\\"), &ctx);
        let _ = c.classify(&href.to_uppercase(), &ctx);
    }
}
