/**
 * ISO 4217 currencies (numeric code -> alphabetic code, minor-unit exponent) and
 * ISO 3166-1 countries (numeric code -> alpha-2, alpha-3). EMV carries both as
 * format n3 in two BCD bytes (Book 3 Annex A: 5F2A, 9F42, 5F28, 9F1A, ...).
 * Generated from the Debian iso-codes tables (iso_4217.json, iso_3166-1.json);
 * exponents from the ISO 4217 "minor unit" column ('-' = not applicable).
 * Kept current with the ISO 4217 amendments published by the maintenance agency (SIX Group):
 * 924 ZWG Zimbabwe Gold from 2024-06-25 (932 ZWL withdrawn 2024-09-01), 532 XCG Caribbean Guilder from
 * 2025-03-31 replacing ANG (same numeric code), HRK withdrawn when Croatia adopted the euro (2023-01-01),
 * BGN when Bulgaria did (2026-01-01). Withdrawn codes stay, marked, so old card data still decodes.
 */

export interface CurrencyInfo {
  numeric: string;
  alpha: string;
  /** Digits after the decimal point (ISO 4217 minor unit); undefined for metals and funds codes. */
  exponent: number | undefined;
  name: string;
}

export interface CountryInfo {
  numeric: string;
  alpha2: string;
  alpha3: string;
  name: string;
}

/** numeric:alpha:exponent:name, ';'-separated. */
const CURRENCY_TABLE = [
  "008:ALL:2:Lek;012:DZD:2:Algerian Dinar;032:ARS:2:Argentine Peso;036:AUD:2:Australian Dollar",
  "044:BSD:2:Bahamian Dollar;048:BHD:3:Bahraini Dinar;050:BDT:2:Taka;051:AMD:2:Armenian Dram",
  "052:BBD:2:Barbados Dollar;060:BMD:2:Bermudian Dollar;064:BTN:2:Ngultrum;068:BOB:2:Boliviano",
  "072:BWP:2:Pula;084:BZD:2:Belize Dollar;090:SBD:2:Solomon Islands Dollar;096:BND:2:Brunei Dollar",
  "104:MMK:2:Kyat;108:BIF:0:Burundi Franc;116:KHR:2:Riel;124:CAD:2:Canadian Dollar",
  "132:CVE:2:Cabo Verde Escudo;136:KYD:2:Cayman Islands Dollar;144:LKR:2:Sri Lanka Rupee;152:CLP:0:Chilean Peso",
  "156:CNY:2:Yuan Renminbi;170:COP:2:Colombian Peso;174:KMF:0:Comorian Franc;188:CRC:2:Costa Rican Colon",
  "191:HRK:2:Kuna (withdrawn 2023-01-01, now EUR);192:CUP:2:Cuban Peso;203:CZK:2:Czech Koruna;208:DKK:2:Danish Krone",
  "214:DOP:2:Dominican Peso;222:SVC:2:El Salvador Colon;230:ETB:2:Ethiopian Birr;232:ERN:2:Nakfa",
  "238:FKP:2:Falkland Islands Pound;242:FJD:2:Fiji Dollar;262:DJF:0:Djibouti Franc;270:GMD:2:Dalasi",
  "292:GIP:2:Gibraltar Pound;320:GTQ:2:Quetzal;324:GNF:0:Guinean Franc;328:GYD:2:Guyana Dollar",
  "332:HTG:2:Gourde;340:HNL:2:Lempira;344:HKD:2:Hong Kong Dollar;348:HUF:2:Forint",
  "352:ISK:0:Iceland Krona;356:INR:2:Indian Rupee;360:IDR:2:Rupiah;364:IRR:2:Iranian Rial",
  "368:IQD:3:Iraqi Dinar;376:ILS:2:New Israeli Sheqel;388:JMD:2:Jamaican Dollar;392:JPY:0:Yen",
  "398:KZT:2:Tenge;400:JOD:3:Jordanian Dinar;404:KES:2:Kenyan Shilling;408:KPW:2:North Korean Won",
  "410:KRW:0:Won;414:KWD:3:Kuwaiti Dinar;417:KGS:2:Som;418:LAK:2:Lao Kip",
  "422:LBP:2:Lebanese Pound;426:LSL:2:Loti;430:LRD:2:Liberian Dollar;434:LYD:3:Libyan Dinar",
  "446:MOP:2:Pataca;454:MWK:2:Malawi Kwacha;458:MYR:2:Malaysian Ringgit;462:MVR:2:Rufiyaa",
  "480:MUR:2:Mauritius Rupee;484:MXN:2:Mexican Peso;496:MNT:2:Tugrik;498:MDL:2:Moldovan Leu",
  "504:MAD:2:Moroccan Dirham;512:OMR:3:Rial Omani;516:NAD:2:Namibia Dollar;524:NPR:2:Nepalese Rupee",
  "532:XCG:2:Caribbean Guilder;533:AWG:2:Aruban Florin;548:VUV:0:Vatu;554:NZD:2:New Zealand Dollar",
  "558:NIO:2:Cordoba Oro;566:NGN:2:Naira;578:NOK:2:Norwegian Krone;586:PKR:2:Pakistan Rupee",
  "590:PAB:2:Balboa;598:PGK:2:Kina;600:PYG:0:Guarani;604:PEN:2:Sol",
  "608:PHP:2:Philippine Peso;634:QAR:2:Qatari Rial;643:RUB:2:Russian Ruble;646:RWF:0:Rwanda Franc",
  "654:SHP:2:Saint Helena Pound;682:SAR:2:Saudi Riyal;690:SCR:2:Seychelles Rupee;694:SLL:2:Leone",
  "702:SGD:2:Singapore Dollar;704:VND:0:Dong;706:SOS:2:Somali Shilling;710:ZAR:2:Rand",
  "728:SSP:2:South Sudanese Pound;748:SZL:2:Lilangeni;752:SEK:2:Swedish Krona;756:CHF:2:Swiss Franc",
  "760:SYP:2:Syrian Pound;764:THB:2:Baht;776:TOP:2:Pa’anga;780:TTD:2:Trinidad and Tobago Dollar",
  "784:AED:2:UAE Dirham;788:TND:3:Tunisian Dinar;800:UGX:0:Uganda Shilling;807:MKD:2:Denar",
  "818:EGP:2:Egyptian Pound;826:GBP:2:Pound Sterling;834:TZS:2:Tanzanian Shilling;840:USD:2:US Dollar",
  "858:UYU:2:Peso Uruguayo;860:UZS:2:Uzbekistan Sum;882:WST:2:Tala;886:YER:2:Yemeni Rial",
  "901:TWD:2:New Taiwan Dollar;925:SLE:2:Leone;926:VED:2:Bolívar Soberano;927:UYW:4:Unidad Previsional",
  "928:VES:2:Bolívar Soberano;929:MRU:2:Ouguiya;930:STN:2:Dobra;931:CUC:2:Peso Convertible",
  "924:ZWG:2:Zimbabwe Gold;932:ZWL:2:Zimbabwe Dollar (withdrawn 2024-09-01, now ZWG);933:BYN:2:Belarusian Ruble;934:TMT:2:Turkmenistan New Manat;936:GHS:2:Ghana Cedi",
  "938:SDG:2:Sudanese Pound;940:UYI:0:Uruguay Peso en Unidades Indexadas (UI);941:RSD:2:Serbian Dinar;943:MZN:2:Mozambique Metical",
  "944:AZN:2:Azerbaijan Manat;946:RON:2:Romanian Leu;947:CHE:2:WIR Euro;948:CHW:2:WIR Franc",
  "949:TRY:2:Turkish Lira;950:XAF:0:CFA Franc BEAC;951:XCD:2:East Caribbean Dollar;952:XOF:0:CFA Franc BCEAO",
  "953:XPF:0:CFP Franc;955:XBA:-:Bond Markets Unit European Composite Unit (EURCO);956:XBB:-:Bond Markets Unit European Monetary Unit (E.M.U.-6);957:XBC:-:Bond Markets Unit European Unit of Account 9 (E.U.A.-9)",
  "958:XBD:-:Bond Markets Unit European Unit of Account 17 (E.U.A.-17);959:XAU:-:Gold;960:XDR:-:SDR (Special Drawing Right);961:XAG:-:Silver",
  "962:XPT:-:Platinum;963:XTS:-:Codes specifically reserved for testing purposes;964:XPD:-:Palladium;965:XUA:-:ADB Unit of Account",
  "967:ZMW:2:Zambian Kwacha;968:SRD:2:Surinam Dollar;969:MGA:2:Malagasy Ariary;970:COU:2:Unidad de Valor Real",
  "971:AFN:2:Afghani;972:TJS:2:Somoni;973:AOA:2:Kwanza;975:BGN:2:Bulgarian Lev (withdrawn 2026, now EUR)",
  "976:CDF:2:Congolese Franc;977:BAM:2:Convertible Mark;978:EUR:2:Euro;979:MXV:2:Mexican Unidad de Inversion (UDI)",
  "980:UAH:2:Hryvnia;981:GEL:2:Lari;984:BOV:2:Mvdol;985:PLN:2:Zloty",
  "986:BRL:2:Brazilian Real;990:CLF:4:Unidad de Fomento;994:XSU:-:Sucre;997:USN:2:US Dollar (Next day)",
  "999:XXX:-:The codes assigned for transactions where no currency is involved",
].join(';');

/** numeric:alpha2:alpha3:name, ';'-separated. */
const COUNTRY_TABLE = [
  "004:AF:AFG:Afghanistan;008:AL:ALB:Albania;010:AQ:ATA:Antarctica;012:DZ:DZA:Algeria",
  "016:AS:ASM:American Samoa;020:AD:AND:Andorra;024:AO:AGO:Angola;028:AG:ATG:Antigua and Barbuda",
  "031:AZ:AZE:Azerbaijan;032:AR:ARG:Argentina;036:AU:AUS:Australia;040:AT:AUT:Austria",
  "044:BS:BHS:Bahamas;048:BH:BHR:Bahrain;050:BD:BGD:Bangladesh;051:AM:ARM:Armenia",
  "052:BB:BRB:Barbados;056:BE:BEL:Belgium;060:BM:BMU:Bermuda;064:BT:BTN:Bhutan",
  "068:BO:BOL:Bolivia;070:BA:BIH:Bosnia and Herzegovina;072:BW:BWA:Botswana;074:BV:BVT:Bouvet Island",
  "076:BR:BRA:Brazil;084:BZ:BLZ:Belize;086:IO:IOT:British Indian Ocean Territory;090:SB:SLB:Solomon Islands",
  "092:VG:VGB:Virgin Islands, British;096:BN:BRN:Brunei Darussalam;100:BG:BGR:Bulgaria;104:MM:MMR:Myanmar",
  "108:BI:BDI:Burundi;112:BY:BLR:Belarus;116:KH:KHM:Cambodia;120:CM:CMR:Cameroon",
  "124:CA:CAN:Canada;132:CV:CPV:Cabo Verde;136:KY:CYM:Cayman Islands;140:CF:CAF:Central African Republic",
  "144:LK:LKA:Sri Lanka;148:TD:TCD:Chad;152:CL:CHL:Chile;156:CN:CHN:China",
  "158:TW:TWN:Taiwan;162:CX:CXR:Christmas Island;166:CC:CCK:Cocos (Keeling) Islands;170:CO:COL:Colombia",
  "174:KM:COM:Comoros;175:YT:MYT:Mayotte;178:CG:COG:Congo;180:CD:COD:Congo, The Democratic Republic of the",
  "184:CK:COK:Cook Islands;188:CR:CRI:Costa Rica;191:HR:HRV:Croatia;192:CU:CUB:Cuba",
  "196:CY:CYP:Cyprus;203:CZ:CZE:Czechia;204:BJ:BEN:Benin;208:DK:DNK:Denmark",
  "212:DM:DMA:Dominica;214:DO:DOM:Dominican Republic;218:EC:ECU:Ecuador;222:SV:SLV:El Salvador",
  "226:GQ:GNQ:Equatorial Guinea;231:ET:ETH:Ethiopia;232:ER:ERI:Eritrea;233:EE:EST:Estonia",
  "234:FO:FRO:Faroe Islands;238:FK:FLK:Falkland Islands (Malvinas);239:GS:SGS:South Georgia and the South Sandwich Islands;242:FJ:FJI:Fiji",
  "246:FI:FIN:Finland;248:AX:ALA:Åland Islands;250:FR:FRA:France;254:GF:GUF:French Guiana",
  "258:PF:PYF:French Polynesia;260:TF:ATF:French Southern Territories;262:DJ:DJI:Djibouti;266:GA:GAB:Gabon",
  "268:GE:GEO:Georgia;270:GM:GMB:Gambia;275:PS:PSE:Palestine, State of;276:DE:DEU:Germany",
  "288:GH:GHA:Ghana;292:GI:GIB:Gibraltar;296:KI:KIR:Kiribati;300:GR:GRC:Greece",
  "304:GL:GRL:Greenland;308:GD:GRD:Grenada;312:GP:GLP:Guadeloupe;316:GU:GUM:Guam",
  "320:GT:GTM:Guatemala;324:GN:GIN:Guinea;328:GY:GUY:Guyana;332:HT:HTI:Haiti",
  "334:HM:HMD:Heard Island and McDonald Islands;336:VA:VAT:Holy See (Vatican City State);340:HN:HND:Honduras;344:HK:HKG:Hong Kong",
  "348:HU:HUN:Hungary;352:IS:ISL:Iceland;356:IN:IND:India;360:ID:IDN:Indonesia",
  "364:IR:IRN:Iran;368:IQ:IRQ:Iraq;372:IE:IRL:Ireland;376:IL:ISR:Israel",
  "380:IT:ITA:Italy;384:CI:CIV:Côte d'Ivoire;388:JM:JAM:Jamaica;392:JP:JPN:Japan",
  "398:KZ:KAZ:Kazakhstan;400:JO:JOR:Jordan;404:KE:KEN:Kenya;408:KP:PRK:North Korea",
  "410:KR:KOR:South Korea;414:KW:KWT:Kuwait;417:KG:KGZ:Kyrgyzstan;418:LA:LAO:Laos",
  "422:LB:LBN:Lebanon;426:LS:LSO:Lesotho;428:LV:LVA:Latvia;430:LR:LBR:Liberia",
  "434:LY:LBY:Libya;438:LI:LIE:Liechtenstein;440:LT:LTU:Lithuania;442:LU:LUX:Luxembourg",
  "446:MO:MAC:Macao;450:MG:MDG:Madagascar;454:MW:MWI:Malawi;458:MY:MYS:Malaysia",
  "462:MV:MDV:Maldives;466:ML:MLI:Mali;470:MT:MLT:Malta;474:MQ:MTQ:Martinique",
  "478:MR:MRT:Mauritania;480:MU:MUS:Mauritius;484:MX:MEX:Mexico;492:MC:MCO:Monaco",
  "496:MN:MNG:Mongolia;498:MD:MDA:Moldova;499:ME:MNE:Montenegro;500:MS:MSR:Montserrat",
  "504:MA:MAR:Morocco;508:MZ:MOZ:Mozambique;512:OM:OMN:Oman;516:NA:NAM:Namibia",
  "520:NR:NRU:Nauru;524:NP:NPL:Nepal;528:NL:NLD:Netherlands;531:CW:CUW:Curaçao",
  "533:AW:ABW:Aruba;534:SX:SXM:Sint Maarten (Dutch part);535:BQ:BES:Bonaire, Sint Eustatius and Saba;540:NC:NCL:New Caledonia",
  "548:VU:VUT:Vanuatu;554:NZ:NZL:New Zealand;558:NI:NIC:Nicaragua;562:NE:NER:Niger",
  "566:NG:NGA:Nigeria;570:NU:NIU:Niue;574:NF:NFK:Norfolk Island;578:NO:NOR:Norway",
  "580:MP:MNP:Northern Mariana Islands;581:UM:UMI:United States Minor Outlying Islands;583:FM:FSM:Micronesia, Federated States of;584:MH:MHL:Marshall Islands",
  "585:PW:PLW:Palau;586:PK:PAK:Pakistan;591:PA:PAN:Panama;598:PG:PNG:Papua New Guinea",
  "600:PY:PRY:Paraguay;604:PE:PER:Peru;608:PH:PHL:Philippines;612:PN:PCN:Pitcairn",
  "616:PL:POL:Poland;620:PT:PRT:Portugal;624:GW:GNB:Guinea-Bissau;626:TL:TLS:Timor-Leste",
  "630:PR:PRI:Puerto Rico;634:QA:QAT:Qatar;638:RE:REU:Réunion;642:RO:ROU:Romania",
  "643:RU:RUS:Russian Federation;646:RW:RWA:Rwanda;652:BL:BLM:Saint Barthélemy;654:SH:SHN:Saint Helena, Ascension and Tristan da Cunha",
  "659:KN:KNA:Saint Kitts and Nevis;660:AI:AIA:Anguilla;662:LC:LCA:Saint Lucia;663:MF:MAF:Saint Martin (French part)",
  "666:PM:SPM:Saint Pierre and Miquelon;670:VC:VCT:Saint Vincent and the Grenadines;674:SM:SMR:San Marino;678:ST:STP:Sao Tome and Principe",
  "682:SA:SAU:Saudi Arabia;686:SN:SEN:Senegal;688:RS:SRB:Serbia;690:SC:SYC:Seychelles",
  "694:SL:SLE:Sierra Leone;702:SG:SGP:Singapore;703:SK:SVK:Slovakia;704:VN:VNM:Vietnam",
  "705:SI:SVN:Slovenia;706:SO:SOM:Somalia;710:ZA:ZAF:South Africa;716:ZW:ZWE:Zimbabwe",
  "724:ES:ESP:Spain;728:SS:SSD:South Sudan;729:SD:SDN:Sudan;732:EH:ESH:Western Sahara",
  "740:SR:SUR:Suriname;744:SJ:SJM:Svalbard and Jan Mayen;748:SZ:SWZ:Eswatini;752:SE:SWE:Sweden",
  "756:CH:CHE:Switzerland;760:SY:SYR:Syria;762:TJ:TJK:Tajikistan;764:TH:THA:Thailand",
  "768:TG:TGO:Togo;772:TK:TKL:Tokelau;776:TO:TON:Tonga;780:TT:TTO:Trinidad and Tobago",
  "784:AE:ARE:United Arab Emirates;788:TN:TUN:Tunisia;792:TR:TUR:Türkiye;795:TM:TKM:Turkmenistan",
  "796:TC:TCA:Turks and Caicos Islands;798:TV:TUV:Tuvalu;800:UG:UGA:Uganda;804:UA:UKR:Ukraine",
  "807:MK:MKD:North Macedonia;818:EG:EGY:Egypt;826:GB:GBR:United Kingdom;831:GG:GGY:Guernsey",
  "832:JE:JEY:Jersey;833:IM:IMN:Isle of Man;834:TZ:TZA:Tanzania;840:US:USA:United States",
  "850:VI:VIR:Virgin Islands, U.S.;854:BF:BFA:Burkina Faso;858:UY:URY:Uruguay;860:UZ:UZB:Uzbekistan",
  "862:VE:VEN:Venezuela;876:WF:WLF:Wallis and Futuna;882:WS:WSM:Samoa;887:YE:YEM:Yemen",
  "894:ZM:ZMB:Zambia",
].join(';');

const currencies = new Map<string, CurrencyInfo>();
for (const row of CURRENCY_TABLE.split(';')) {
  const [numeric = '', alpha = '', exponent = '-', ...name] = row.split(':');
  currencies.set(numeric, { numeric, alpha, exponent: exponent === '-' ? undefined : Number(exponent), name: name.join(':') });
}

const countries = new Map<string, CountryInfo>();
for (const row of COUNTRY_TABLE.split(';')) {
  const [numeric = '', alpha2 = '', alpha3 = '', ...name] = row.split(':');
  countries.set(numeric, { numeric, alpha2, alpha3, name: name.join(':') });
}

/** Normalises "978", "0978" or 978 to the three-digit key. */
function key(code: string | number): string {
  const digits = String(code).replace(/^0+(?=\d{3})/, '');
  return digits.padStart(3, '0');
}

/** ISO 4217 currency by numeric code ("978" or "0978" -> EUR, exponent 2). */
export function currencyByNumeric(code: string | number): CurrencyInfo | undefined {
  return currencies.get(key(code));
}

/** ISO 4217 currency by alphabetic code ("EUR"). */
export function currencyByAlpha(alpha: string): CurrencyInfo | undefined {
  const want = alpha.toUpperCase();
  for (const c of currencies.values()) if (c.alpha === want) return c;
  return undefined;
}

/** ISO 3166-1 country by numeric code ("276" or "0276" -> DE / DEU). */
export function countryByNumeric(code: string | number): CountryInfo | undefined {
  return countries.get(key(code));
}

/** ISO 3166-1 country by alpha-2 or alpha-3 code. */
export function countryByAlpha(alpha: string): CountryInfo | undefined {
  const want = alpha.toUpperCase();
  for (const c of countries.values()) if (c.alpha2 === want || c.alpha3 === want) return c;
  return undefined;
}
