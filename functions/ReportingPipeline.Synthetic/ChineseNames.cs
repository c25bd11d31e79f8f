namespace ReportingPipeline.Synthetic;

/// <summary>Plausible Chinese place, organisation and person names built from syllable lists.</summary>
internal static class ChineseNames
{
    private static readonly string[] PlaceSyllables =
    [
        "东", "西", "南", "北", "中", "新", "清", "平", "安", "和", "龙", "凤", "华", "金", "石", "沙", "江", "河",
        "湖", "山", "林", "田", "桥", "岭", "塘", "湾", "坑", "岗", "洲", "滘", "园", "花", "桃", "梅", "兰", "竹",
        "松", "柏", "云", "水", "泉", "溪", "源", "宁", "兴", "隆", "盛", "福", "禄", "寿", "康", "乐", "永", "长",
        "丰", "富", "广", "昌", "荣", "泰", "吉", "祥", "瑞", "宝", "阳", "光", "明", "德", "仁", "义", "文", "武",
        "英", "秀", "美", "景", "翠", "碧", "青", "白", "黄", "高", "大", "上", "下", "前", "后", "元", "鹤", "鹏",
        "象", "马", "狮", "虎", "莲", "荷", "柳", "榕", "樟", "茶", "禾", "谷", "岚", "峰", "坪", "围", "涌", "埔",
    ];

    private static readonly string[] OrganisationBrands =
    [
        "启创", "启智", "阳光", "携手", "明心", "正阳", "大同", "恒福", "同心", "乐众", "善缘", "德馨", "慧灵", "博爱",
        "和谐", "仁爱", "睿智", "春晖", "心家", "众悦", "北斗星", "扬帆", "晨曦", "向阳", "守望", "知行", "益先",
        "共融", "悦群", "康乃馨", "展能", "绿芽", "暖流", "合众", "朗晴", "思源", "汇贤", "长者", "邻里", "桥心",
    ];

    private static readonly string[] OrganisationKinds =
    [
        "社会工作服务中心", "社会工作服务中心", "社会工作服务中心", "社工服务中心", "社会工作发展中心", "社会工作服务社",
    ];

    private static readonly string[] Surnames =
    [
        "陈", "李", "黄", "张", "梁", "林", "刘", "吴", "罗", "何", "郑", "杨", "周", "谢", "郭", "许", "邓", "冯",
        "曾", "蔡", "叶", "苏", "卢", "朱", "钟", "潘", "彭", "赖", "麦", "欧阳",
    ];

    private static readonly string[] GivenSyllables =
    [
        "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洁", "艳", "勇", "杰", "娟", "涛", "明", "超", "秀", "霞",
        "平", "刚", "婷", "雪", "慧", "颖", "琳", "晓", "嘉", "俊", "欣", "宇", "佳", "倩", "思", "文", "志", "华",
    ];

    /// <summary>A two-syllable place name not yet in <paramref name="taken"/> (names are unique among siblings).</summary>
    public static string Place(Random random, HashSet<string> taken, string suffix)
    {
        for (var attempt = 0; ; attempt++)
        {
            var name = random.Pick(PlaceSyllables) + random.Pick(PlaceSyllables);
            if (attempt > 50)
            {
                // A crowded parent: a third syllable always finds room.
                name += random.Pick(PlaceSyllables);
            }

            if (name[0] != name[1] && taken.Add(name + suffix))
            {
                return name + suffix;
            }
        }
    }

    /// <summary>An organisation running stations, e.g. 广州市启创社会工作服务中心.</summary>
    public static string Organisation(Random random, string cityName, HashSet<string> taken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var brand = random.Pick(OrganisationBrands);
            if (attempt > 20)
            {
                brand = random.Pick(PlaceSyllables) + brand;
            }

            var name = cityName + brand + random.Pick(OrganisationKinds);
            if (taken.Add(name))
            {
                return name;
            }
        }
    }

    /// <summary>A staff member's name, e.g. 陈嘉欣.</summary>
    public static string Person(Random random)
    {
        var given = random.Pick(GivenSyllables);
        if (random.NextDouble() < 0.8)
        {
            given += random.Pick(GivenSyllables);
        }

        return random.Pick(Surnames) + given;
    }
}
