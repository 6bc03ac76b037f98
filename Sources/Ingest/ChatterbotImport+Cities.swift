extension ChatterbotImport {
    /// A city where a language is spoken, its centre in ten-thousandths of a degree (exact integers,
    /// so every derived coordinate is an exact decimal).
    struct City: Sendable {
        var name: String
        var country: String
        var latitude: Int64
        var longitude: Int64
    }

    /// One city per corpus language folder, where its speakers would share their location from.
    /// Spanish is Bogotá, migue.ai's home.
    static let cities: [String: City] = [
        "bengali": City(name: "Dhaka", country: "Bangladesh", latitude: 238_103, longitude: 904_125),
        "chinese": City(name: "Beijing", country: "China", latitude: 399_042, longitude: 1_164_074),
        "dutch": City(name: "Amsterdam", country: "Netherlands", latitude: 523_676, longitude: 49_041),
        "english": City(name: "London", country: "United Kingdom", latitude: 515_072, longitude: -1_276),
        "french": City(name: "Paris", country: "France", latitude: 488_566, longitude: 23_522),
        "german": City(name: "Berlin", country: "Germany", latitude: 525_200, longitude: 134_050),
        "hebrew": City(name: "Jerusalem", country: "Israel", latitude: 317_683, longitude: 352_137),
        "hindi": City(name: "New Delhi", country: "India", latitude: 286_139, longitude: 772_090),
        "hinglish": City(name: "Mumbai", country: "India", latitude: 190_760, longitude: 728_777),
        "indonesian": City(name: "Jakarta", country: "Indonesia", latitude: -62_088, longitude: 1_068_456),
        "italian": City(name: "Rome", country: "Italy", latitude: 419_028, longitude: 124_964),
        "japanese": City(name: "Tokyo", country: "Japan", latitude: 356_762, longitude: 1_396_503),
        "korean": City(name: "Seoul", country: "South Korea", latitude: 375_665, longitude: 1_269_780),
        "marathi": City(name: "Pune", country: "India", latitude: 185_204, longitude: 738_567),
        "oriya": City(name: "Bhubaneswar", country: "India", latitude: 202_961, longitude: 858_245),
        "persian": City(name: "Tehran", country: "Iran", latitude: 356_892, longitude: 513_890),
        "portuguese": City(name: "Lisbon", country: "Portugal", latitude: 387_223, longitude: -91_393),
        "russian": City(name: "Moscow", country: "Russia", latitude: 557_558, longitude: 376_173),
        "spanish": City(name: "Bogotá", country: "Colombia", latitude: 47_110, longitude: -740_721),
        "swedish": City(name: "Stockholm", country: "Sweden", latitude: 593_293, longitude: 180_686),
        "tamil": City(name: "Chennai", country: "India", latitude: 130_827, longitude: 802_707),
        "telugu": City(name: "Hyderabad", country: "India", latitude: 173_850, longitude: 784_867),
        "thai": City(name: "Bangkok", country: "Thailand", latitude: 137_563, longitude: 1_005_018),
        "traditionalchinese": City(name: "Taipei", country: "Taiwan", latitude: 250_330, longitude: 1_215_654),
        "turkish": City(name: "Istanbul", country: "Türkiye", latitude: 410_082, longitude: 289_784),
        "ukrainian": City(name: "Kyiv", country: "Ukraine", latitude: 504_501, longitude: 305_234),
        "urdu": City(name: "Karachi", country: "Pakistan", latitude: 248_607, longitude: 670_011),
        "yoruba": City(name: "Lagos", country: "Nigeria", latitude: 65_244, longitude: 33_792),
    ]

    /// The city of a language folder; Bogotá for one not in the table (a test corpus may invent one).
    static func city(_ folder: String) -> City {
        cities[folder] ?? City(name: "Bogotá", country: "Colombia", latitude: 47_110, longitude: -740_721)
    }

    /// A point within 0.05 degrees of the language's city, to the 8 decimals `DECIMAL(10, 8)` and
    /// `DECIMAL(11, 8)` hold, chosen by a stable hash of the conversation's key. The numbers are
    /// integers of 10^-8 degrees divided by 10^8, so each is the double nearest its 8-decimal text.
    static func point(near city: City, key: String) -> (latitude: Double, longitude: Double) {
        let hash = stable(key)
        let spread: UInt64 = 10_000_001
        let north = Int64(hash % spread) - 5_000_000
        let east = Int64((hash / spread) % spread) - 5_000_000
        return (Double(city.latitude * 10_000 + north) / 1e8, Double(city.longitude * 10_000 + east) / 1e8)
    }
}
