package io.meshgate.proxy.demo.data;

import java.util.List;

/** Common first and last names per region, ASCII only so that e-mail addresses need no transliteration. */
final class PersonNames {
  private PersonNames() {}

  static List<String> firstNames(Region region) {
    return switch (region) {
      case EU -> List.of("Anna", "Lukas", "Marie", "Felix", "Sophie", "Jonas", "Lea", "Paul", "Emma", "Leon",
          "Camille", "Louis", "Chloe", "Hugo", "Lucia", "Mateo", "Sofia", "Pablo", "Giulia", "Marco",
          "Elena", "Luca", "Clara", "Noah", "Mia", "Elias", "Ines", "Jan", "Nora", "Theo");
      case US -> List.of("James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
          "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah",
          "Chris", "Karen", "Daniel", "Nancy", "Matthew", "Lisa", "Anthony", "Betty", "Mark", "Ashley",
          "Steven", "Emily");
      case APAC -> List.of("Hiroshi", "Yuki", "Haruto", "Sakura", "Wei", "Li", "Jun", "Mei", "Arjun", "Priya",
          "Rahul", "Ananya", "Ethan", "Olivia", "Jack", "Charlotte", "Minh", "Linh", "Siti", "Ahmad",
          "Kenji", "Aiko", "Rohan", "Isha", "Hao", "Xin", "Liam", "Grace", "Ravi", "Aroha");
    };
  }

  static List<String> lastNames(Region region) {
    return switch (region) {
      case EU -> List.of("Schmidt", "Mueller", "Schneider", "Fischer", "Weber", "Wagner", "Becker", "Hoffmann",
          "Martin", "Bernard", "Dubois", "Laurent", "Moreau", "Garcia", "Fernandez", "Lopez", "Martinez",
          "Rossi", "Russo", "Ferrari", "Bianchi", "Romano", "Costa", "Jansen", "de Vries", "Novak",
          "Kowalski", "Nielsen", "Andersson", "Horvath");
      case US -> List.of("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Rodriguez",
          "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "White", "Harris", "Clark", "Lewis",
          "Robinson", "Walker", "Young", "Allen", "King", "Wright", "Scott", "Nguyen", "Hill", "Green",
          "Adams", "O'Brien");
      case APAC -> List.of("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Wang", "Zhang", "Chen", "Liu",
          "Yang", "Sharma", "Patel", "Singh", "Gupta", "Kumar", "Tan", "Lim", "Ng", "Wong", "Lee", "Nguyen",
          "Tran", "Kim", "Park", "Smith", "Brown", "Taylor", "Wilson", "Kaur", "Ito");
    };
  }

  /** Mail domains reserved for documentation (RFC 2606), so no address can reach a real person. */
  static List<String> emailDomains() {
    return List.of("example.com", "example.org", "example.net", "mail.example.com", "post.example.org");
  }
}
